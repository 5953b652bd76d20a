package io.gatehouse.discovery.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.gatehouse.discovery.apps.AppModel;
import io.gatehouse.sim.Simulator;
import io.gatehouse.sim.SimulatorConfig;
import io.gatehouse.sim.StandbyMarathon;
import io.gatehouse.testsupport.ServiceJar;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The follower against a real marathon-sim (fixed-endpoint mode) in this JVM. */
class MarathonFollowerIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final MarathonFollower.Settings FAST =
      new MarathonFollower.Settings(
          Duration.ofSeconds(60),
          Duration.ofSeconds(10),
          Duration.ofMillis(100),
          Duration.ofMillis(500));
  private static final String APP =
      """
      {"id": "%s", "instances": %d, "cmd": "serve", "portDefinitions": [{"port": 0}],
       "healthChecks": [{"protocol": "HTTP", "path": "/", "portIndex": 0, "maxConsecutiveFailures": 0}]}
      """;

  private final AppModel model = new AppModel(1000);
  private SimulatorConfig config;
  private Simulator sim;
  private MarathonFollower follower;

  @BeforeEach
  void start() throws Exception {
    config =
        SimulatorConfig.forTests(true, Files.createTempDirectory("follower"))
            .withPorts(ServiceJar.freePort(), 0);
    sim = Simulator.start(config);
    follower =
        new MarathonFollower(
                "",
                new MarathonClient(MarathonClient.Endpoint.of(sim.marathonUrl())),
                model,
                FAST,
                Clock.systemUTC())
            .start();
    await().atMost(WAIT).until(() -> follower.state() == MarathonFollower.State.CONNECTED);
  }

  @AfterEach
  void stop() {
    follower.close();
    sim.close();
  }

  @Test
  void aStandbyMasterRedirectsTheEventStreamToTheLeaderAndTheFollowerGoesWithIt() throws Exception {
    try (StandbyMarathon standby = sim.startStandby()) {
      AppModel viaStandby = new AppModel(1000);
      try (MarathonFollower other =
          new MarathonFollower(
                  "",
                  new MarathonClient(MarathonClient.Endpoint.of(standby.url())),
                  viaStandby,
                  FAST,
                  Clock.systemUTC())
              .start()) {
        await().atMost(WAIT).until(() -> other.state() == MarathonFollower.State.CONNECTED);
        long synced = other.eventsReceived();

        sim().post("/v2/apps", APP.formatted("/via/standby", 1));

        // the app arrives by event (the resync is a minute away), so the stream reached the leader
        await().atMost(WAIT).until(() -> viaStandby.app("/via/standby") != null);
        assertThat(other.eventsReceived()).isGreaterThan(synced);
        assertThat(other.lastFullSync()).isNotNull(); // the full sync was proxied by the standby
      }
    }
  }

  @Test
  void withSeveralMastersCallsGoToOneThatAnswersAndMoveOnWhenItGoes() throws Exception {
    String dead = "http://127.0.0.1:" + ServiceJar.freePort();
    StandbyMarathon standby = sim.startStandby();
    MarathonClient client =
        new MarathonClient(
            new MarathonClient.Endpoint(
                List.of(URI.create(dead), URI.create(standby.url()), URI.create(sim.marathonUrl())),
                null,
                null,
                Duration.ofSeconds(5)));
    AppModel throughMasters = new AppModel(1000);
    try (MarathonFollower other =
        new MarathonFollower("", client, throughMasters, FAST, Clock.systemUTC()).start()) {
      await().atMost(WAIT).until(() -> other.state() == MarathonFollower.State.CONNECTED);
      assertThat(client.baseUrl()).isEqualTo(standby.url().replaceAll("/+$", ""));

      standby.close();
      sim().post("/v2/apps", APP.formatted("/after/standby", 1));
      assertThat(client.app("/after/standby")).isPresent(); // from the next master
      assertThat(client.baseUrl()).isEqualTo(sim.marathonUrl().replaceAll("/+$", ""));
      await().atMost(WAIT).until(() -> throughMasters.app("/after/standby") != null);
    } finally {
      standby.close();
    }

    // when none answers, the error names them all
    MarathonClient nowhere =
        new MarathonClient(
            new MarathonClient.Endpoint(
                List.of(URI.create(dead), URI.create("http://127.0.0.1:" + ServiceJar.freePort())),
                null,
                null,
                Duration.ofSeconds(5)));
    MarathonException e = catchThrowableOfType(MarathonException.class, nowhere::apps);
    assertThat(e.getMessage()).contains(dead, "unreachable");
  }

  @Test
  void aSilentStreamIsReplacedAndWhatItMissedIsResynced() throws Exception {
    AppModel stalledModel = new AppModel(1000);
    MarathonFollower.Settings quickStall =
        new MarathonFollower.Settings(
            Duration.ofSeconds(60),
            Duration.ofMillis(1500),
            Duration.ofMillis(100),
            Duration.ofMillis(500));
    try (MarathonFollower watched =
        new MarathonFollower(
                "",
                new MarathonClient(MarathonClient.Endpoint.of(sim.marathonUrl())),
                stalledModel,
                quickStall,
                Clock.systemUTC())
            .start()) {
      await().atMost(WAIT).until(() -> watched.state() == MarathonFollower.State.CONNECTED);
      var connected = watched.connectedSince();

      sim().post("/sim/events/stall", "");
      sim().post("/v2/apps", APP.formatted("/missed", 1)); // its events go nowhere

      await()
          .atMost(WAIT)
          .until(
              () ->
                  stalledModel.app("/missed") != null
                      && watched.connectedSince() != null
                      && watched.connectedSince().isAfter(connected));
    }
  }

  @Test
  void aNewVersionReplacesEveryTaskAndOnlyItsTasksRemain() throws Exception {
    sim().post("/v2/apps", APP.formatted("/deployed", 2));
    await().atMost(WAIT).until(() -> settled("/deployed", 2));
    String before = model.app("/deployed").version();
    List<String> oldTasks = model.app("/deployed").tasks().stream().map(MarathonTask::id).toList();

    sim().put("/v2/apps/deployed", "{\"cmd\": \"serve --v2\"}"); // a new version: a rolling restart

    await()
        .atMost(WAIT)
        .until(
            () -> {
              MarathonApp app = model.app("/deployed");
              return settled("/deployed", 2)
                  && !app.version().equals(before)
                  && app.tasks().stream().noneMatch(t -> oldTasks.contains(t.id()))
                  && app.tasks().stream().allMatch(t -> t.version().equals(app.version()));
            });
  }

  @Test
  void aCrashedTaskLeavesAtOnceAndItsReplacementJoins() throws Exception {
    sim().post("/v2/apps", APP.formatted("/crashy", 2));
    await().atMost(WAIT).until(() -> settled("/crashy", 2));
    MarathonTask crashed = model.app("/crashy").tasks().get(0);

    sim().post("/sim/tasks/" + crashed.id() + "/exit?status=137", "");

    await()
        .atMost(WAIT)
        .until(
            () ->
                model.app("/crashy").tasks().stream().noneMatch(t -> t.id().equals(crashed.id())));
    await().atMost(WAIT).until(() -> settled("/crashy", 2)); // Marathon relaunched it
  }

  @Test
  void appsAppearScaleLoseTasksAtOnceAndVanish() throws Exception {
    sim().post("/v2/apps", APP.formatted("/shop/web", 2));
    await().atMost(WAIT).until(() -> settled("/shop/web", 2));

    sim().put("/v2/apps/shop/web", "{\"instances\": 3}");
    await().atMost(WAIT).until(() -> settled("/shop/web", 3));

    long before = model.revision();
    MarathonTask victim = model.app("/shop/web").tasks().get(0);
    sim().delete("/v2/apps/shop/web/tasks/" + victim.id());
    await()
        .atMost(WAIT)
        .until(
            () ->
                model.app("/shop/web").tasks().stream().noneMatch(t -> t.id().equals(victim.id())));
    List<AppModel.Delta> deltas = model.since(before);
    assertThat(deltas.get(0).removedTasks())
        .containsExactly(new AppModel.TaskRemoval("/shop/web", victim.id()));
    await().atMost(WAIT).until(() -> settled("/shop/web", 3)); // Marathon replaces it

    sim().delete("/v2/apps/shop/web");
    await().atMost(WAIT).until(() -> model.app("/shop/web") == null);
  }

  @Test
  void aFailingHealthCheckTakesTheTaskOutOfRotation() throws Exception {
    sim().post("/v2/apps", APP.formatted("/api", 2));
    await().atMost(WAIT).until(() -> routable("/api").size() == 2);
    MarathonTask sick = model.app("/api").tasks().get(0);

    sim().post("/sim/tasks/" + sick.id() + "/health?alive=false", "");

    await().atMost(WAIT).until(() -> routable("/api").size() == 1);
    MarathonTask seen =
        model.app("/api").tasks().stream()
            .filter(t -> t.id().equals(sick.id()))
            .findFirst()
            .orElseThrow();
    assertThat(seen.health()).isEqualTo(Health.UNHEALTHY);
    assertThat(seen.routable()).isFalse();
  }

  @Test
  void aRestartedMarathonIsFollowedAgainAndResynced() throws Exception {
    sim().post("/v2/apps", APP.formatted("/before", 1));
    await().atMost(WAIT).until(() -> model.app("/before") != null);

    sim.close(); // Marathon goes away mid-stream
    await().atMost(WAIT).until(() -> follower.state() != MarathonFollower.State.CONNECTED);
    sim = Simulator.start(config); // back on the same port, with other apps
    sim().post("/v2/apps", APP.formatted("/after", 1));

    await()
        .atMost(WAIT)
        .until(
            () ->
                follower.state() == MarathonFollower.State.CONNECTED
                    && model.app("/after") != null);
    assertThat(model.app("/before")).isNull();
  }

  @Test
  void scalingDuringADeploymentIsRefusedWithTheDeploymentId() throws Exception {
    sim().post("/v2/apps", APP.formatted("/locked", 1));
    await().atMost(WAIT).until(() -> routable("/locked").size() == 1);
    MarathonClient client = follower.client();
    // the app's own deployment may finish a moment after its task is routable
    await().atMost(WAIT).until(() -> client.app("/locked").orElseThrow().deploymentIds().isEmpty());
    sim()
        .post("/sim/tasks/" + model.app("/locked").tasks().get(0).id() + "/health?alive=false", "");
    client.scale("/locked", 2); // cannot finish while the task is unhealthy

    DeploymentLockedException locked =
        catchThrowableOfType(DeploymentLockedException.class, () -> client.scale("/locked", 3));

    assertThat(locked.deploymentIds()).hasSize(1);
    assertThat(locked.getMessage()).contains("locked");
  }

  @Test
  void wrongCredentialsAreReportedAndRightOnesFollow() throws Exception {
    try (Simulator guarded =
        Simulator.start(
            SimulatorConfig.forTests(true, Files.createTempDirectory("guarded"))
                .withCredentials("ops:secret"))) {
      AppModel otherModel = new AppModel(10);
      try (MarathonFollower denied =
              new MarathonFollower(
                      "guarded",
                      new MarathonClient(MarathonClient.Endpoint.of(guarded.marathonUrl())),
                      otherModel,
                      FAST,
                      Clock.systemUTC())
                  .start();
          MarathonFollower allowed =
              new MarathonFollower(
                      "guarded",
                      new MarathonClient(
                          new MarathonClient.Endpoint(
                              URI.create(guarded.marathonUrl()),
                              "ops:secret",
                              null,
                              Duration.ofSeconds(5))),
                      otherModel,
                      FAST,
                      Clock.systemUTC())
                  .start()) {
        await().atMost(WAIT).until(() -> denied.lastError() != null);
        assertThat(denied.lastError()).contains("credentials").contains("401");
        await().atMost(WAIT).until(() -> allowed.state() == MarathonFollower.State.CONNECTED);
      }
    }
  }

  /** {@code instances} routable tasks and no deployment of the app running. */
  private boolean settled(String appId, int instances) {
    MarathonApp app = model.app(appId);
    return app != null
        && app.routableEndpoints(0).size() == instances
        && app.deploymentIds().isEmpty();
  }

  private List<Endpoint> routable(String appId) {
    MarathonApp app = model.app(appId);
    return app == null ? List.of() : app.routableEndpoints(0);
  }

  private io.gatehouse.discovery.SimClient sim() {
    return new io.gatehouse.discovery.SimClient(sim.marathonUrl());
  }
}
