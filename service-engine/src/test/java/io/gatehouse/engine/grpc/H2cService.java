package io.gatehouse.engine.grpc;

import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.MemberProtocol;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualServiceConfig;
import java.time.Duration;
import java.util.List;

/**
 * The configuration the gRPC tests run an engine with: one HTTP virtual service on 127.0.0.1 whose
 * pool reaches its members over h2c, round-robin.
 */
final class H2cService {
  private H2cService() {}

  static EngineConfig on(int port, List<EndpointConfig> members) {
    return EngineConfig.of(
        List.of(
            new VirtualServiceConfig(
                "grpc", List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)), "grpc")),
        List.of(
            new PoolConfig(
                "grpc",
                LbAlgorithm.ROUND_ROBIN,
                members,
                Duration.ofSeconds(1),
                List.of(),
                3,
                Duration.ofSeconds(10),
                null,
                PoolConfig.DEFAULT_DRAINING_TIMEOUT,
                0,
                null,
                MemberProtocol.H2C)));
  }
}
