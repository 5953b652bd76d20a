package io.gatehouse.engine.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.semanager.v1.Listener;
import io.gatehouse.api.semanager.v1.PoolEndpoint;
import io.gatehouse.api.semanager.v1.PoolResource;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ResourceUpdate;
import io.gatehouse.api.semanager.v1.ResourceVersion;
import io.gatehouse.api.semanager.v1.VirtualServiceResource;
import io.gatehouse.engine.config.EngineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceStateTest {
  private final List<EngineConfig> applied = new ArrayList<>();
  private final ResourceState state = new ResourceState();

  private Map<String, String> engine(EngineConfig config) {
    applied.add(config);
    return Map.of();
  }

  private static Resource pool(String name, String version, int port) {
    return Resource.newBuilder()
        .setName(name)
        .setVersion(version)
        .setPool(
            PoolResource.newBuilder()
                .addEndpoints(PoolEndpoint.newBuilder().setAddress("10.0.0.1").setPort(port)))
        .build();
  }

  private static Resource service(String name, String version, int port) {
    return Resource.newBuilder()
        .setName(name)
        .setVersion(version)
        .setVirtualService(
            VirtualServiceResource.newBuilder()
                .setPool(name)
                .addListeners(Listener.newBuilder().setPort(port)))
        .build();
  }

  private static ResourceUpdate update(ResourceType type, boolean full, Resource... resources) {
    return ResourceUpdate.newBuilder()
        .setType(type)
        .setFullState(full)
        .addAllResources(List.of(resources))
        .build();
  }

  @Test
  void aBadResourceIsRejectedAloneAndKeepsItsLastGoodVersion() {
    state.apply(
        update(ResourceType.RESOURCE_TYPE_POOL, true, pool("web", "p1", 31001)), this::engine);
    state.apply(
        update(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE, true, service("web", "v1", 10080)),
        this::engine);

    ResourceState.Outcome outcome =
        state.apply(
            update(
                ResourceType.RESOURCE_TYPE_POOL,
                false,
                pool("web", "p2", 0), // port 0: invalid
                pool("api", "a1", 31002)),
            this::engine);

    assertThat(outcome.applied()).extracting(ResourceVersion::getName).containsExactly("api");
    assertThat(outcome.rejected())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.resource().getName()).isEqualTo("web");
              assertThat(r.error()).contains("pools.web.endpoints[0].port");
              assertThat(r.lastGoodVersion()).isEqualTo("p1");
            });
    EngineConfig last = applied.get(applied.size() - 1);
    assertThat(last.pools().get("web").endpoints().get(0).port()).isEqualTo(31001);
    assertThat(last.pools()).containsKey("api");
    assertThat(state.versions()).extracting(ResourceVersion::getVersion).contains("p1", "a1", "v1");
  }

  @Test
  void anUpdateThatBreaksAResourceItDoesNotCarryIsRejectedWhole() {
    state.apply(
        update(ResourceType.RESOURCE_TYPE_POOL, true, pool("web", "p1", 31001)), this::engine);
    state.apply(
        update(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE, true, service("web", "v1", 10080)),
        this::engine);
    int appliedBefore = applied.size();

    // a full pool state without "web" would leave virtual service web without its pool
    ResourceState.Outcome outcome =
        state.apply(
            update(ResourceType.RESOURCE_TYPE_POOL, true, pool("api", "a1", 31002)), this::engine);

    assertThat(outcome.applied()).isEmpty();
    assertThat(outcome.rejected()).extracting(r -> r.resource().getName()).containsExactly("api");
    assertThat(applied).hasSize(appliedBefore); // nothing reached the engine
    assertThat(state.versions())
        .extracting(ResourceVersion::getVersion)
        .containsExactlyInAnyOrder("p1", "v1");
  }

  @Test
  void aResourceWithTheWrongBodyIsRejectedByName() {
    ResourceState.Outcome outcome =
        state.apply(
            update(ResourceType.RESOURCE_TYPE_POOL, true, service("web", "v1", 10080)),
            this::engine);

    assertThat(outcome.rejected())
        .singleElement()
        .satisfies(r -> assertThat(r.error()).contains("needs a pool body"));
  }
}
