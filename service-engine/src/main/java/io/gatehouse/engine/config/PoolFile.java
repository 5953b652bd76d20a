package io.gatehouse.engine.config;

import static io.gatehouse.engine.config.StaticConfigFile.duration;
import static io.gatehouse.engine.config.StaticConfigFile.list;
import static io.gatehouse.engine.config.StaticConfigFile.pem;
import static io.gatehouse.engine.config.StaticConfigFile.required;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A pool in the static configuration file ({@link StaticConfigFile} shows every field), read into a
 * {@link PoolConfig} with the engine's defaults for what it leaves out.
 */
final class PoolFile {
  private PoolFile() {}

  record Pool(
      String name,
      LbAlgorithm algorithm,
      String connectTimeout,
      List<Endpoint> endpoints,
      HealthMonitorFile.Monitor healthMonitor,
      List<HealthMonitorFile.Monitor> healthMonitors,
      Integer ejectAfter,
      String ejectFor,
      String hashHeader,
      String drainingTimeout,
      @JsonProperty("eject_after_5xx") Integer ejectAfter5xx,
      AbPool abPool,
      MemberProtocol memberProtocol,
      MemberTls memberTls) {}

  record AbPool(String pool, Integer percent, Boolean sticky) {}

  record MemberTls(
      String caFile, String caCertificatesPem, String serverName, String clientCertificate) {}

  record Endpoint(String address, Integer port, Integer weight, String appId, String hostname) {}

  /** {@code p} as the engine runs it; PEM files are read relative to {@code base}. */
  static PoolConfig read(Pool p, Path base) {
    String name = required(p.name(), "pools[].name");
    String at = "pools." + name;
    return new PoolConfig(
        name,
        p.algorithm() == null ? LbAlgorithm.ROUND_ROBIN : p.algorithm(),
        list(p.endpoints()).stream()
            .map(
                e ->
                    new EndpointConfig(
                        required(e.address(), at + ".endpoints[].address"),
                        required(e.port(), at + ".endpoints[].port"),
                        e.weight() == null ? 1 : e.weight(),
                        e.appId(),
                        e.hostname()))
            .toList(),
        p.connectTimeout() == null
            ? Duration.ofSeconds(2)
            : duration(p.connectTimeout(), at + ".connect_timeout"),
        HealthMonitorFile.read(p.healthMonitor(), p.healthMonitors(), name),
        p.ejectAfter() == null ? 3 : p.ejectAfter(),
        p.ejectFor() == null ? Duration.ofSeconds(10) : duration(p.ejectFor(), at + ".eject_for"),
        p.hashHeader(),
        p.drainingTimeout() == null
            ? PoolConfig.DEFAULT_DRAINING_TIMEOUT
            : duration(p.drainingTimeout(), at + ".draining_timeout"),
        p.ejectAfter5xx() == null ? 0 : p.ejectAfter5xx(),
        p.abPool() == null
            ? null
            : new AbPoolConfig(
                required(p.abPool().pool(), at + ".ab_pool.pool"),
                required(p.abPool().percent(), at + ".ab_pool.percent"),
                Boolean.TRUE.equals(p.abPool().sticky())),
        p.memberProtocol() == null ? MemberProtocol.HTTP1 : p.memberProtocol(),
        memberTls(p.memberTls(), base, at));
  }

  private static MemberTlsConfig memberTls(MemberTls tls, Path base, String at) {
    if (tls == null) {
      return null;
    }
    return new MemberTlsConfig(
        pem(tls.caCertificatesPem(), tls.caFile(), base, at + ".member_tls.ca_file"),
        tls.serverName(),
        tls.clientCertificate());
  }
}
