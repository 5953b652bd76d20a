package io.gatehouse.engine.testing;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.http.HttpSettings;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.testsupport.ServiceJar;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** An engine in the test JVM, with short timeouts, and configurations for it. */
public final class RunningEngine {
  /**
   * Timeouts short enough to test: 1 s for a head, 5 s idle between requests, 2 s for a member's
   * first byte and 2 s of silence in a streaming body.
   */
  public static final HttpSettings SETTINGS =
      new HttpSettings(
          1024,
          2048,
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          8,
          true,
          io.gatehouse.engine.analytics.ClientLogs.NONE);

  private RunningEngine() {}

  public static ServiceEngine start() {
    return new ServiceEngine(Transport.best(), 2, SETTINGS);
  }

  /** An engine serving one HTTP virtual service, {@code web}, on {@code port} over one member. */
  public static ServiceEngine serving(int port, int memberPort) {
    ServiceEngine engine = start();
    engine.apply(oneService("web", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, memberPort));
    return engine;
  }

  /** One virtual service {@code name} on a free loopback port, over the given member ports. */
  public static EngineConfig oneService(
      String name, Protocol protocol, int listenPort, LbAlgorithm algorithm, int... memberPorts) {
    return EngineConfig.of(
        List.of(
            new VirtualServiceConfig(
                name, List.of(new ListenerConfig("127.0.0.1", listenPort, protocol)), name)),
        List.of(pool(name, algorithm, memberPorts)));
  }

  public static PoolConfig pool(String name, LbAlgorithm algorithm, int... memberPorts) {
    return new PoolConfig(
        name,
        algorithm,
        Arrays.stream(memberPorts).mapToObj(p -> new EndpointConfig("127.0.0.1", p, 1)).toList(),
        Duration.ofSeconds(1));
  }

  public static int freePort() {
    return ServiceJar.freePort();
  }
}
