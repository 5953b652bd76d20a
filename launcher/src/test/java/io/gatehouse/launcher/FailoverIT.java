package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code gatehouse up --replicas 2} under continuous load through both agents' engines: the replica
 * of each service that leads its duty (discovery-svc's policy writer, se-manager-svc's reconciler,
 * analytics-svc's autoscaler; a policy-svc replica, which leads nothing) is killed with SIGKILL in
 * turn, and after each kill the demo app is scaled. No request fails; the other replica takes the
 * duty and says so in {@code /metrics} and in the API ({@code gatehouse leaders}); what policy-svc
 * refused of an app is reported by every discovery-svc replica, the next writer too; the scale
 * reaches every engine; and no second engine is started on a node. Then PostgreSQL crashes, the app
 * is scaled while it is down, and it is started again: every duty is led again and the scale
 * reaches every engine, still with no failed request. The time to the new leader and from the scale
 * to every engine sending traffic to the new tasks are printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Order(4) // after WalkthroughIT stopped the shared platform: this one runs its own
class FailoverIT {
  private static final Pattern LEADER =
      Pattern.compile("^gatehouse_leader\\{duty=\"([^\"]+)\",?\\} ([0-9.]+)$", Pattern.MULTILINE);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Duty> DUTIES =
      List.of(
          new Duty(ServiceLines.DISCOVERY, "discovery-svc/policy-writer"),
          new Duty(ServiceLines.SE_MANAGER, "se-manager-svc/reconciler"),
          new Duty(ServiceLines.ANALYTICS, "analytics-svc/autoscaler"));
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final List<String> figures = new ArrayList<>();
  private RunningPlatform platform;
  private DemoAppCalls demo;

  @BeforeAll
  void upWithTwoReplicas() {
    platform = RunningPlatform.start(2);
    demo = new DemoAppCalls(platform.marathonPort);
    assertThat(platform.output()).contains("[policy-2  ]", "[se-manager-2]");
    demo.awaitTasksAnswering(2);
  }

  @AfterAll
  void stop() throws Exception {
    figures.forEach(f -> System.out.println("[failover] " + f));
    if (platform != null) {
      platform.stop();
    }
  }

  @Test
  void killingEachLeaderUnderLoadFailsNoRequestAndTheNextReplicaCarriesOn() throws Exception {
    try (Load load = Load.start(http, DemoAppCalls.AGENTS)) {
      // two apps claim one VIP: what policy-svc refuses is reported by both discovery replicas,
      // then by the one left when the writer is killed
      PlatformCalls calls = new PlatformCalls(platform);
      calls.postApp(vipApp("/claimvip"));
      calls.postApp(vipApp("/rivalvip"));
      String refused =
          await().atMost(RunningPlatform.WAIT).until(() -> refusedOn(0), r -> !r.isEmpty());
      await().atMost(RunningPlatform.WAIT).until(() -> refusedOn(1).equals(refused));
      int writer =
          await()
              .atMost(RunningPlatform.WAIT)
              .until(
                  () -> leader(ServiceLines.DISCOVERY, "discovery-svc/policy-writer"), r -> r >= 0);
      failOver(ServiceLines.DISCOVERY, "discovery-svc/policy-writer", 3);
      await().atMost(RunningPlatform.WAIT).until(() -> refusedOn(1 - writer).equals(refused));
      failOver(ServiceLines.SE_MANAGER, "se-manager-svc/reconciler", 1);
      failOver(ServiceLines.ANALYTICS, "analytics-svc/autoscaler", 2);
      // policy-svc's replicas lead nothing: any one serves every caller, the CLI's too
      kill(ServiceLines.POLICY, 0);
      scaleAndConverge(3, "policy-svc replica killed");
      restartDatabaseAcrossScale(2);
      assertThat(InProcessCli.run(platform.cliArgs("vs").toArray(String[]::new)).output())
          .contains("webappew1/10001");
      load.assertNoFailure();
    }
    // the reconciler that took over found the engines its predecessor started: one per node
    await()
        .atMost(RunningPlatform.WAIT)
        .until(() -> engines().size() == DemoAppCalls.AGENTS.size());
    assertThat(platform.output()).doesNotContain("[marathon  ] exited");
  }

  /** Kills the leader of {@code duty}; the other replica leads; the next scale converges. */
  private void failOver(int offset, String duty, int instances) throws Exception {
    int leader =
        await().atMost(RunningPlatform.WAIT).until(() -> leader(offset, duty), r -> r >= 0);
    await()
        .atMost(RunningPlatform.WAIT)
        .until(() -> leaderNamed(duty).endsWith(":" + platform.grpcPort(offset, leader)));
    long killed = kill(offset, leader);
    int next = 1 - leader;
    await().atMost(RunningPlatform.WAIT).until(() -> leading(offset, next, duty));
    figures.add(duty + ": next leader in " + millisSince(killed) + " ms");
    // the API names it too (the CLI asks whichever replica answers)
    await()
        .atMost(RunningPlatform.WAIT)
        .until(() -> leaderNamed(duty).endsWith(":" + platform.grpcPort(offset, next)));

    scaleAndConverge(instances, duty + " leader killed");
  }

  /**
   * Crashes the platform's PostgreSQL, scales the demo app while it is down, and starts it again:
   * nobody leads while it is down (the elections' locks went with it), each duty is led again
   * after, and the scale reaches every engine.
   */
  private void restartDatabaseAcrossScale(int instances) throws Exception {
    PlatformDatabase database = new PlatformDatabase(platform);
    long asked = System.nanoTime();
    database.crash();
    demo.scale(instances);
    demo.awaitMarathonRunning(instances); // the change is in Marathon while the database is down
    for (Duty duty : DUTIES) { // without the lock, nobody leads
      await()
          .atMost(RunningPlatform.WAIT)
          .until(
              () ->
                  !leading(duty.service(), 0, duty.name())
                      && !leading(duty.service(), 1, duty.name()));
    }
    long starting = System.nanoTime();
    database.start();
    figures.add(
        "PostgreSQL down (crash to taking connections again) for " + millisSince(asked) + " ms");
    for (Duty duty : DUTIES) {
      await()
          .atMost(RunningPlatform.WAIT)
          .until(() -> leader(duty.service(), duty.name()), r -> r >= 0);
      figures.add(
          duty.name() + ": led again " + millisSince(starting) + " ms after its restart began");
    }
    demo.awaitTasksAnswering(instances);
    figures.add(
        "scale to "
            + instances
            + " made while PostgreSQL was down served by every engine "
            + millisSince(starting)
            + " ms after its restart began");
  }

  /** Work one replica of service {@code service} (a ServiceLines offset) leads. */
  private record Duty(int service, String name) {}

  private void scaleAndConverge(int instances, String after) throws Exception {
    long asked = System.nanoTime();
    demo.scale(instances);
    demo.awaitTasksAnswering(instances);
    figures.add(
        after
            + ": scale to "
            + instances
            + " served by every engine in "
            + millisSince(asked)
            + " ms");
  }

  /** SIGKILL to replica {@code replica} of service {@code offset}; when it was sent. */
  private long kill(int offset, int replica) {
    List<ProcessHandle> processes =
        RunningPlatform.processesNaming("--grpc.server.port=" + platform.grpcPort(offset, replica))
            .stream()
            .toList();
    assertThat(processes).hasSize(1);
    long at = System.nanoTime();
    processes.get(0).destroyForcibly();
    await().atMost(Duration.ofSeconds(30)).until(() -> !processes.get(0).isAlive());
    return at;
  }

  /** An app whose avi_proxy label asks for the VIP 10.9.9.9:80, which one app may hold. */
  private static String vipApp(String id) {
    String label =
        "{\"virtualservice\": {\"ip_address\": {\"addr\": \"10.9.9.9\"},"
            + " \"services\": [{\"port\": 80}]}}";
    return """
        {"id": "%s", "instances": 0, "cmd": "serve", "portDefinitions": [{"port": 0}],
         "labels": {"FE-Proxy": "yes", "avi_proxy": %s}}
        """
        .formatted(id, com.fasterxml.jackson.databind.node.TextNode.valueOf(label));
  }

  /**
   * The app whose VIP discovery-svc replica {@code replica} reports refused (VIP_CONFLICT), as
   * {@code gatehouse apps} asked of that replica alone prints it; "" while none.
   */
  private String refusedOn(int replica) {
    InProcessCli.Result apps =
        InProcessCli.run(
            "apps",
            "--home=" + platform.home,
            "--discovery=127.0.0.1:" + platform.grpcPort(ServiceLines.DISCOVERY, replica));
    Matcher m =
        Pattern.compile("^(/\\w+vip)\\s[^\\n]*VIP_CONFLICT", Pattern.MULTILINE)
            .matcher(apps.output());
    return m.find() ? m.group(1) : "";
  }

  /** The leader of {@code duty} as {@code gatehouse leaders --output json} names it. */
  private String leaderNamed(String duty) throws Exception {
    InProcessCli.Result leaders =
        InProcessCli.run(platform.cliArgs("leaders", "--output=json").toArray(String[]::new));
    assertThat(leaders.code()).as(leaders.output()).isZero();
    for (JsonNode service : JSON.readTree(leaders.output())) {
      for (JsonNode leadership : service.path("leaderships")) {
        if (leadership.path("duty").asText().equals(duty)) {
          return leadership.path("leader").asText();
        }
      }
    }
    throw new AssertionError("no duty " + duty + " in " + leaders.output());
  }

  /** The replica whose /metrics says it leads {@code duty}; -1 unless exactly one does. */
  private int leader(int offset, String duty) {
    int found = -1;
    for (int replica = 0; replica < 2; replica++) {
      if (leading(offset, replica, duty)) {
        if (found >= 0) {
          return -1;
        }
        found = replica;
      }
    }
    return found;
  }

  private boolean leading(int offset, int replica, String duty) {
    try {
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + platform.managementPort(offset, replica)
                              + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher m = LEADER.matcher(metrics.body());
      while (m.find()) {
        if (m.group(1).equals(duty)) {
          return Double.parseDouble(m.group(2)) == 1;
        }
      }
      return false;
    } catch (java.io.IOException gone) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The engines running: processes of the engine's jar (se-manager's lines only name it). */
  private List<ProcessHandle> engines() {
    String engineJar =
        platform
            .jar
            .toAbsolutePath()
            .normalize()
            .getParent()
            .getParent()
            .getParent()
            .resolve("service-engine/target/service-engine.jar")
            .toString();
    return RunningPlatform.processesNaming("-jar " + engineJar).stream()
        .filter(p -> p.info().commandLine().orElse("").contains(platform.home.toString()))
        .toList();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
