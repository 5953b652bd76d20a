package io.gatehouse.engine.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool's health monitors in the static configuration file, read and written:
 *
 * <pre>{@code
 * health_monitors:
 *   - {type: HTTP, path: /health, method: HEAD, host_header: shop.example.com,
 *      expected_status: [{begin: 200, end: 299}], port: 8081,
 *      interval: 5s, timeout: 2s, rise: 2, fall: 3}
 *   - {type: TCP, send: "PING\r\n", expect: "+PONG"}
 *   - {type: GRPC, grpc_service: shop.Cart}        # grpc.health.v1 over h2c: SERVING passes
 * }</pre>
 *
 * A single {@code health_monitor} (the form written before pools had several) is read too.
 */
final class HealthMonitorFile {
  record Monitor(
      HealthMonitorConfig.Type type,
      String interval,
      String timeout,
      Integer rise,
      Integer fall,
      String path,
      String method,
      String hostHeader,
      List<Range> expectedStatus,
      Integer port,
      String send,
      String expect,
      String grpcService) {}

  record Range(Integer begin, Integer end) {}

  private HealthMonitorFile() {}

  /** The monitors of a pool whose file fields are {@code single} and {@code several}. */
  static List<HealthMonitorConfig> read(Monitor single, List<Monitor> several, String pool) {
    String at = "pools." + pool;
    if (single != null && several != null) {
      throw new InvalidConfigException(
          List.of(
              new InvalidConfigException.Violation(
                  at + ".health_monitor", "use health_monitors (a list) only")));
    }
    List<HealthMonitorConfig> monitors = new ArrayList<>();
    if (single != null) {
      monitors.add(monitor(single, at + ".health_monitor"));
    }
    if (several != null) {
      for (int i = 0; i < several.size(); i++) {
        monitors.add(monitor(several.get(i), at + ".health_monitors[" + i + "]"));
      }
    }
    return monitors;
  }

  private static HealthMonitorConfig monitor(Monitor m, String field) {
    List<HealthMonitorConfig.StatusRange> expected = new ArrayList<>();
    if (m.expectedStatus() != null) {
      for (Range r : m.expectedStatus()) {
        int begin = r.begin() == null ? 0 : r.begin();
        expected.add(new HealthMonitorConfig.StatusRange(begin, r.end() == null ? begin : r.end()));
      }
    }
    return new HealthMonitorConfig(
        m.type() == null ? HealthMonitorConfig.Type.TCP : m.type(),
        m.interval() == null
            ? Duration.ofSeconds(5)
            : StaticConfigFile.duration(m.interval(), field + ".interval"),
        m.timeout() == null
            ? Duration.ofSeconds(2)
            : StaticConfigFile.duration(m.timeout(), field + ".timeout"),
        m.rise() == null ? 2 : m.rise(),
        m.fall() == null ? 3 : m.fall(),
        m.path(),
        m.method(),
        m.hostHeader(),
        expected,
        m.port() == null ? 0 : m.port(),
        m.send(),
        m.expect(),
        m.grpcService());
  }

  /** Writes {@code pool}'s monitors under {@code node}, in the form {@link #read} reads. */
  static void write(PoolConfig pool, ObjectNode node) {
    if (pool.healthMonitors().isEmpty()) {
      return;
    }
    ArrayNode monitors = node.putArray("health_monitors");
    for (HealthMonitorConfig m : pool.healthMonitors()) {
      ObjectNode monitor =
          monitors
              .addObject()
              .put("type", m.type().name())
              .put("interval", m.interval().toMillis() + "ms")
              .put("timeout", m.timeout().toMillis() + "ms")
              .put("rise", m.rise())
              .put("fall", m.fall())
              .put("path", m.path())
              .put("method", m.method())
              .put("port", m.port())
              .put("send", m.send())
              .put("expect", m.expect());
      if (m.hostHeader() != null) {
        monitor.put("host_header", m.hostHeader());
      }
      if (m.type() == HealthMonitorConfig.Type.GRPC) {
        monitor.put("grpc_service", m.grpcService());
      }
      ArrayNode expected = monitor.putArray("expected_status");
      m.expectedStatus()
          .forEach(r -> expected.addObject().put("begin", r.begin()).put("end", r.end()));
    }
  }

  /** What is wrong with {@code pool}'s monitors, field by field. */
  static void validate(PoolConfig pool, List<InvalidConfigException.Violation> violations) {
    for (int i = 0; i < pool.healthMonitors().size(); i++) {
      HealthMonitorConfig monitor = pool.healthMonitors().get(i);
      String m = "pools." + pool.name() + ".health_monitors[" + i + "]";
      if (monitor.interval().compareTo(Duration.ofMillis(100)) < 0) {
        violations.add(
            new InvalidConfigException.Violation(m + ".interval", "must be at least 100ms"));
      }
      if (monitor.timeout().isZero()
          || monitor.timeout().isNegative()
          || monitor.timeout().compareTo(monitor.interval()) > 0) {
        violations.add(
            new InvalidConfigException.Violation(
                m + ".timeout", "must be positive and at most the interval"));
      }
      if (monitor.rise() < 1 || monitor.fall() < 1) {
        violations.add(new InvalidConfigException.Violation(m, "rise and fall must be at least 1"));
      }
      if (!monitor.path().startsWith("/") || !visible(monitor.path())) {
        violations.add(
            new InvalidConfigException.Violation(
                m + ".path", "must start with / and hold visible characters only"));
      }
      if (!monitor.method().matches("[A-Z]{1,16}")) {
        violations.add(
            new InvalidConfigException.Violation(m + ".method", "must be an HTTP method"));
      }
      if (monitor.hostHeader() != null && !visible(monitor.hostHeader())) {
        violations.add(
            new InvalidConfigException.Violation(
                m + ".host_header", "must hold visible characters only"));
      }
      if (monitor.port() < 0 || monitor.port() > 65535) {
        violations.add(new InvalidConfigException.Violation(m + ".port", "must be 0-65535"));
      }
      for (HealthMonitorConfig.StatusRange r : monitor.expectedStatus()) {
        if (r.begin() < 100 || r.end() > 599 || r.begin() > r.end()) {
          violations.add(
              new InvalidConfigException.Violation(
                  m + ".expected_status", r.begin() + "-" + r.end() + " is not within 100-599"));
        }
      }
      if (!latin1(monitor.send()) || !latin1(monitor.expect())) {
        violations.add(
            new InvalidConfigException.Violation(m, "send and expect are bytes (ISO-8859-1)"));
      }
    }
  }

  private static boolean visible(String text) {
    return !text.isEmpty() && text.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private static boolean latin1(String text) {
    return StandardCharsets.ISO_8859_1.newEncoder().canEncode(text);
  }
}
