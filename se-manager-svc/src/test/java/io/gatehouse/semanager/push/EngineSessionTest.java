package io.gatehouse.semanager.push;

import static io.gatehouse.semanager.push.PushFixtures.POOL;
import static io.gatehouse.semanager.push.PushFixtures.VS;
import static io.gatehouse.semanager.push.PushFixtures.names;
import static io.gatehouse.semanager.push.PushFixtures.pool;
import static io.gatehouse.semanager.push.PushFixtures.service;
import static io.gatehouse.semanager.push.PushFixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.semanager.v1.Ack;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ResourceUpdate;
import io.gatehouse.api.semanager.v1.ResourceVersion;
import io.gatehouse.semanager.push.PushFixtures.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an engine says of itself: the resources its hello lists, and what its ACKs name. */
class EngineSessionTest {
  @Test
  void anEngineAnswersOnlyForWhatItWasSent() {
    ConfigPush push = new ConfigPush();
    push.publish(set(List.of(pool("web", 31001)), List.of()));
    push.connect("se-1", new Recorder());

    push.ack(
        "se-1",
        Ack.newBuilder()
            .addApplied(
                ResourceVersion.newBuilder().setType(POOL).setName("never-sent").setVersion("x"))
            .build());

    assertThat(push.applied("se-1", new ConfigPush.Key(POOL, "never-sent"))).isEmpty();
  }

  @Test
  void anEngineThatServesResourcesAlreadyIsSentOnlyWhatDiffers() {
    ConfigPush push = new ConfigPush();
    ResourceSet desired =
        set(
            List.of(pool("web", 31001), pool("api", 31002)),
            List.of(service("web", 10080), service("api", 10081)));
    push.publish(desired);
    ResourceSet before = set(List.of(pool("api", 39999)), List.of());
    String oldApi = before.ofType(POOL).get("api").getVersion();
    Recorder moved = new Recorder();

    // it runs web as desired, an older api pool, and a pool that is no longer desired; it does not
    // have the api service; a type this manager does not send is passed over
    push.connect(
        new ConfigPush.EngineInfo("se-1", "", "n1", "agent-1"),
        List.of(
            version(POOL, "web", desired.ofType(POOL).get("web").getVersion()),
            version(VS, "web", desired.ofType(VS).get("web").getVersion()),
            version(POOL, "api", oldApi),
            version(POOL, "gone", "0123456789abcdef"),
            version(ResourceType.RESOURCE_TYPE_UNSPECIFIED, "odd", "1")),
        moved);

    List<ResourceUpdate> updates = moved.take();
    assertThat(updates).noneMatch(ResourceUpdate::getFullState);
    assertThat(updates)
        .extracting(u -> u.getType() + " " + names(u) + " -" + u.getRemovedList())
        .containsExactly(POOL + " [api] -[]", VS + " [api] -[]", POOL + " [] -[gone]");
    assertThat(push.applied("se-1", new ConfigPush.Key(POOL, "web")))
        .contains(desired.ofType(POOL).get("web").getVersion());

    // from there on it is like any engine: a task of web killed goes out as an endpoint update
    push.publish(
        set(
            List.of(pool("web"), pool("api", 31002)),
            List.of(service("web", 10080), service("api", 10081))));
    assertThat(moved.endpointUpdates)
        .singleElement()
        .satisfies(u -> assertThat(u.getPool()).isEqualTo("web"));
  }

  private static ResourceVersion version(ResourceType type, String name, String version) {
    return ResourceVersion.newBuilder().setType(type).setName(name).setVersion(version).build();
  }

  @Test
  void aHelloListingMoreThanTheBoundGetsTheFullState() {
    ConfigPush push = new ConfigPush();
    ResourceSet desired = set(List.of(pool("web", 31001)), List.of(service("web", 10080)));
    push.publish(desired);
    List<ResourceVersion> serving = new ArrayList<>();
    serving.add(version(POOL, "web", desired.ofType(POOL).get("web").getVersion()));
    for (int i = 0; i < EngineSession.MAX_SERVING; i++) {
      serving.add(version(VS, "claimed-" + i, "0"));
    }
    Recorder engine = new Recorder();

    push.connect(new ConfigPush.EngineInfo("se-1", "", "n1", "agent-1"), serving, engine);

    // not a list of 200,000 removals: the full state, which replaces whatever the engine runs
    List<ResourceUpdate> updates = engine.take();
    assertThat(updates)
        .allMatch(ResourceUpdate::getFullState)
        .hasSize(ResourceSet.APPLY_ORDER.size());
    assertThat(updates).allMatch(u -> u.getRemovedCount() == 0);
    assertThat(updates.get(2).getResourcesList()).hasSize(1); // the pool, though it said it has it
  }
}
