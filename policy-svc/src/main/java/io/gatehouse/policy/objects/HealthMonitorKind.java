package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.HealthMonitor;
import io.gatehouse.api.policy.v1.HttpCheck;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.StatusRange;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Active health monitors. Unset timings take the engine's defaults (interval 10 s, timeout 4 s, 2
 * passes to go up, 2 failures to go down); set ones must make sense together.
 */
public final class HealthMonitorKind extends PolicyKind<HealthMonitor> {
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(4);
  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");

  public HealthMonitorKind() {
    super(
        ObjectKind.OBJECT_KIND_HEALTH_MONITOR,
        "health_monitor",
        HealthMonitor.getDefaultInstance());
  }

  /** Most bytes a TCP probe sends, or expects back. */
  static final int MAX_TCP_BYTES = 4096;

  @Override
  public void validate(HealthMonitor m, Violations v) {
    switch (m.getCheckCase()) {
      case HTTP -> validateHttp(m.getHttp(), v.in("http"));
      case TCP -> {
        v.require(m.getTcp().getSend().size() <= MAX_TCP_BYTES, "tcp.send", "at most 4096 bytes");
        v.require(
            m.getTcp().getExpect().size() <= MAX_TCP_BYTES, "tcp.expect", "at most 4096 bytes");
      }
      case GRPC ->
          v.require(
              m.getGrpc().getService().length() <= 256
                  && m.getGrpc().getService().chars().allMatch(c -> c > ' ' && c < 0x7f),
              "grpc.service",
              "at most 256 printable characters, no spaces");
      case CHECK_NOT_SET -> v.add("", "set http, tcp or grpc: how members are probed");
    }
    v.duration(
        m.hasSendInterval(),
        m.getSendInterval(),
        Duration.ofSeconds(1),
        Duration.ofHours(1),
        "send_interval");
    v.duration(
        m.hasReceiveTimeout(),
        m.getReceiveTimeout(),
        Duration.ofMillis(10),
        Duration.ofHours(1),
        "receive_timeout");
    Duration interval =
        m.hasSendInterval() ? Violations.toJava(m.getSendInterval()) : DEFAULT_INTERVAL;
    Duration timeout =
        m.hasReceiveTimeout() ? Violations.toJava(m.getReceiveTimeout()) : DEFAULT_TIMEOUT;
    v.require(
        timeout.compareTo(interval) <= 0,
        "receive_timeout",
        "must not exceed send_interval (" + timeout + " > " + interval + ")");
    v.require(m.getSuccessfulChecks() <= 50, "successful_checks", "must be 1 to 50 (0 means 2)");
    v.require(m.getFailedChecks() <= 50, "failed_checks", "must be 1 to 50 (0 means 2)");
    v.optionalPort(m.getMonitorPort(), "monitor_port");
  }

  private static void validateHttp(HttpCheck http, Violations v) {
    v.require(
        http.getRequestPath().startsWith("/")
            && http.getRequestPath().length() <= 2048
            && http.getRequestPath().chars().noneMatch(c -> c <= ' ' || c >= 0x7f),
        "request_path",
        "must start with '/' and hold at most 2048 visible ASCII characters");
    v.require(
        http.getMethod().isEmpty() || METHOD.matcher(http.getMethod()).matches(),
        "method",
        "must be an upper-case HTTP method such as GET or HEAD");
    v.require(
        http.getHostHeader().length() <= 255
            && http.getHostHeader().chars().noneMatch(c -> c <= ' ' || c >= 0x7f),
        "host_header",
        "must hold at most 255 visible ASCII characters");
    for (int i = 0; i < http.getExpectedStatusCount(); i++) {
      StatusRange r = http.getExpectedStatus(i);
      v.in("expected_status", i)
          .require(
              r.getBegin() >= 100 && r.getBegin() <= r.getEnd() && r.getEnd() <= 599,
              "",
              "must be a range within 100-599 with begin <= end, not "
                  + r.getBegin()
                  + "-"
                  + r.getEnd());
    }
  }
}
