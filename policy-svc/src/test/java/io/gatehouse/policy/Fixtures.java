package io.gatehouse.policy;

import com.google.protobuf.Duration;
import io.gatehouse.api.policy.v1.HealthMonitor;
import io.gatehouse.api.policy.v1.HttpCheck;
import io.gatehouse.api.policy.v1.LbAlgorithm;
import io.gatehouse.api.policy.v1.MarathonAppMembers;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.ObjectSource;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Server;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.StaticServers;
import io.gatehouse.api.policy.v1.Vip;
import io.gatehouse.api.policy.v1.VirtualService;

/** Small valid objects for tests. */
public final class Fixtures {
  private Fixtures() {}

  public static ObjectMeta meta(String name) {
    return ObjectMeta.newBuilder().setName(name).build();
  }

  public static ObjectMeta marathonMeta(String name, String appId) {
    return ObjectMeta.newBuilder()
        .setName(name)
        .setSource(
            ObjectSource.newBuilder()
                .setKind(ObjectSource.Kind.KIND_MARATHON_APP)
                .setMarathonAppId(appId))
        .build();
  }

  public static Pool staticPool(String name, String... hostPorts) {
    StaticServers.Builder servers = StaticServers.newBuilder();
    for (String hostPort : hostPorts) {
      String[] parts = hostPort.split(":");
      servers.addServers(
          Server.newBuilder().setIpAddress(parts[0]).setPort(Integer.parseInt(parts[1])));
    }
    return Pool.newBuilder()
        .setMeta(meta(name))
        .setStaticServers(servers)
        .setLbAlgorithm(LbAlgorithm.LB_ALGORITHM_ROUND_ROBIN)
        .build();
  }

  public static Pool marathonPool(String name, String appId) {
    return Pool.newBuilder()
        .setMeta(marathonMeta(name, appId))
        .setMarathonApp(MarathonAppMembers.newBuilder().setAppId(appId))
        .build();
  }

  public static VirtualService eastWest(String name, String pool, int port) {
    return VirtualService.newBuilder()
        .setMeta(meta(name))
        .setEastWest(true)
        .setPoolRef(pool)
        .addServices(Service.newBuilder().setPort(port).setProtocol(Protocol.PROTOCOL_HTTP))
        .build();
  }

  public static VirtualService northSouth(String name, String pool, String vip, int port) {
    return VirtualService.newBuilder()
        .setMeta(meta(name))
        .setVip(Vip.newBuilder().setIpAddress(vip))
        .setPoolRef(pool)
        .addServices(Service.newBuilder().setPort(port).setProtocol(Protocol.PROTOCOL_HTTP))
        .build();
  }

  public static HealthMonitor httpMonitor(String name, String path) {
    return HealthMonitor.newBuilder()
        .setMeta(meta(name))
        .setHttp(HttpCheck.newBuilder().setRequestPath(path))
        .setSendInterval(Duration.newBuilder().setSeconds(5))
        .setReceiveTimeout(Duration.newBuilder().setSeconds(2))
        .build();
  }
}
