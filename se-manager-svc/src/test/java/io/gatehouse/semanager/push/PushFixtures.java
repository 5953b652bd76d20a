package io.gatehouse.semanager.push;

import io.gatehouse.api.policy.v1.LbAlgorithm;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.Listener;
import io.gatehouse.api.semanager.v1.PoolEndpoint;
import io.gatehouse.api.semanager.v1.PoolResource;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ResourceUpdate;
import io.gatehouse.api.semanager.v1.VirtualServiceResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the push's tests build their resources and engines from. */
final class PushFixtures {
  static final ResourceType POOL = ResourceType.RESOURCE_TYPE_POOL;
  static final ResourceType VS = ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE;

  private PushFixtures() {}

  /** An engine's stream that keeps what it was sent. */
  static final class Recorder implements EngineStream {
    final List<ResourceUpdate> updates = new ArrayList<>();
    final List<io.gatehouse.api.semanager.v1.EndpointUpdate> endpointUpdates = new ArrayList<>();

    @Override
    public void send(ConnectResponse message) {
      if (message.hasEndpointUpdate()) {
        endpointUpdates.add(message.getEndpointUpdate());
      } else {
        updates.add(message.getUpdate());
      }
    }

    List<ResourceUpdate> take() {
      List<ResourceUpdate> taken = List.copyOf(updates);
      updates.clear();
      return taken;
    }
  }

  static Resource pool(String name, int... ports) {
    PoolResource.Builder pool =
        PoolResource.newBuilder().setLbAlgorithm(LbAlgorithm.LB_ALGORITHM_ROUND_ROBIN);
    for (int port : ports) {
      pool.addEndpoints(
          PoolEndpoint.newBuilder()
              .setId("10.0.0.1:" + port)
              .setAddress("10.0.0.1")
              .setPort(port)
              .setWeight(1));
    }
    return Resource.newBuilder().setName(name).setPool(pool).build();
  }

  static Resource service(String name, int port) {
    return Resource.newBuilder()
        .setName(name)
        .setVirtualService(
            VirtualServiceResource.newBuilder()
                .setPool(name)
                .addListeners(Listener.newBuilder().setAddress("0.0.0.0").setPort(port)))
        .build();
  }

  static ResourceSet set(List<Resource> pools, List<Resource> services) {
    return ResourceSet.of(Map.of(POOL, pools, VS, services));
  }

  static List<String> names(ResourceUpdate update) {
    return update.getResourcesList().stream().map(Resource::getName).toList();
  }
}
