package io.gatehouse.semanager.compile;

import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.Endpoint;
import io.gatehouse.api.discovery.v1.Task;
import io.gatehouse.api.policy.v1.MarathonAppMembers;
import io.gatehouse.api.policy.v1.NetworkSecurityAction;
import io.gatehouse.api.policy.v1.NetworkSecurityMatch;
import io.gatehouse.api.policy.v1.NetworkSecurityPolicy;
import io.gatehouse.api.policy.v1.NetworkSecurityRule;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Server;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.StaticServers;
import io.gatehouse.api.policy.v1.Vip;
import io.gatehouse.api.policy.v1.VirtualService;
import java.util.List;
import java.util.Map;

/** What the compiler's tests build their policy views, apps and engines from. */
final class CompileFixtures {
  private CompileFixtures() {}

  static final ConfigCompiler.Engine EDGE = new ConfigCompiler.Engine("edge", "0.0.0.0");
  static final ConfigCompiler.Engine INNER = new ConfigCompiler.Engine("default", "0.0.0.0");

  static ObjectMeta meta(String name) {
    return ObjectMeta.newBuilder().setName(name).build();
  }

  static VirtualService eastWest(String name, int port, String pool) {
    return VirtualService.newBuilder()
        .setMeta(meta(name))
        .setEastWest(true)
        .addServices(Service.newBuilder().setPort(port).setProtocol(Protocol.PROTOCOL_HTTP))
        .setPoolRef(pool)
        .build();
  }

  static VirtualService northSouth(String name, String vip, String group, String pool) {
    return VirtualService.newBuilder()
        .setMeta(meta(name))
        .setVip(Vip.newBuilder().setEffectiveAddress(vip))
        .addServices(Service.newBuilder().setPort(80).setProtocol(Protocol.PROTOCOL_HTTP))
        .setSeGroupRef(group)
        .setPoolRef(pool)
        .build();
  }

  static Pool staticPool(String name) {
    return Pool.newBuilder()
        .setMeta(meta(name))
        .setStaticServers(
            StaticServers.newBuilder()
                .addServers(Server.newBuilder().setIpAddress("10.0.0.5").setPort(8080))
                .addServers(
                    Server.newBuilder().setIpAddress("10.0.0.6").setPort(8080).setEnabled(false)))
        .build();
  }

  static Pool appPool(String name, String appId) {
    return Pool.newBuilder()
        .setMeta(meta(name))
        .setMarathonApp(MarathonAppMembers.newBuilder().setAppId(appId).setPortIndex(0))
        .build();
  }

  static App app(String id, String... taskAddresses) {
    App.Builder app = App.newBuilder().setId(id);
    int n = 0;
    for (String address : taskAddresses) {
      app.addTasks(
          Task.newBuilder()
              .setId(id.substring(1) + "." + n++)
              .setAgentId("agent-" + n)
              .setRoutable(true)
              .addEndpoints(
                  Endpoint.newBuilder().setPortIndex(0).setAddress(address).setPort(31000 + n)));
    }
    app.addTasks(
        Task.newBuilder()
            .setId("not-ready")
            .setRoutable(false)
            .addEndpoints(Endpoint.newBuilder().setAddress("10.9.9.9").setPort(1)));
    return app.build();
  }

  static PolicyView policy(
      List<VirtualService> services, List<Pool> pools, List<NetworkSecurityPolicy> nsps) {
    return policy(services, pools, nsps, List.of());
  }

  static PolicyView policy(
      List<VirtualService> services,
      List<Pool> pools,
      List<NetworkSecurityPolicy> nsps,
      List<io.gatehouse.api.policy.v1.HttpPolicySet> httpPolicySets) {
    return new PolicyView(
        services.stream()
            .collect(java.util.stream.Collectors.toMap(v -> v.getMeta().getName(), v -> v)),
        pools.stream()
            .collect(java.util.stream.Collectors.toMap(p -> p.getMeta().getName(), p -> p)),
        Map.of(),
        nsps.stream()
            .collect(java.util.stream.Collectors.toMap(p -> p.getMeta().getName(), p -> p)),
        Map.of(),
        Map.of(),
        httpPolicySets.stream()
            .collect(java.util.stream.Collectors.toMap(p -> p.getMeta().getName(), p -> p)));
  }

  /** Denies every client but the tasks of the app /frontend. */
  static NetworkSecurityPolicy onlyFrontends() {
    return NetworkSecurityPolicy.newBuilder()
        .setMeta(meta("only-frontends"))
        .setDefaultAction(NetworkSecurityAction.NETWORK_SECURITY_ACTION_DENY)
        .addRules(
            NetworkSecurityRule.newBuilder()
                .setIndex(1)
                .setAction(NetworkSecurityAction.NETWORK_SECURITY_ACTION_ALLOW)
                .setMatch(NetworkSecurityMatch.newBuilder().addClientMarathonApps("/frontend")))
        .build();
  }
}
