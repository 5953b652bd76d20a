package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * An active health monitor of a pool's members (a Marathon {@code healthChecks} entry becomes one):
 * every {@code interval} each member is probed; {@code fall} failures in a row take it out of
 * rotation, {@code rise} successes in a row bring it back. A pool with several monitors takes a
 * member only while every one of them finds it up.
 *
 * @param type TCP (a connection, optionally a request and an expected reply) or HTTP (a request
 *     whose status must be expected)
 * @param interval time between probes of one member
 * @param timeout time a probe may take
 * @param rise successes in a row that make a member up
 * @param fall failures in a row that make a member down
 * @param path the HTTP path probed
 * @param method the HTTP method (GET unless said)
 * @param hostHeader the HTTP Host sent; null sends the member's address
 * @param expectedStatus passing HTTP statuses; empty means 200-399
 * @param port the port probed; 0 probes the member's own
 * @param send for TCP: the bytes sent once connected (ISO-8859-1, one char a byte); "" sends none
 * @param expect for TCP: bytes the reply must contain (ISO-8859-1); "" passes once connected
 * @param grpcService for GRPC: the service asked about; "" asks about the server
 */
public record HealthMonitorConfig(
    Type type,
    Duration interval,
    Duration timeout,
    int rise,
    int fall,
    String path,
    String method,
    String hostHeader,
    List<StatusRange> expectedStatus,
    int port,
    String send,
    String expect,
    String grpcService) {
  /** What a probe does. */
  public enum Type {
    TCP,
    HTTP,
    /** The gRPC health protocol over HTTP/2 in clear; passes on SERVING. */
    GRPC
  }

  /** An inclusive range of passing HTTP statuses. */
  public record StatusRange(int begin, int end) {
    public boolean contains(int status) {
      return status >= begin && status <= end;
    }
  }

  public HealthMonitorConfig {
    requireNonNull(type, "type");
    requireNonNull(interval, "interval");
    requireNonNull(timeout, "timeout");
    path = path == null || path.isEmpty() ? "/" : path;
    method = method == null || method.isEmpty() ? "GET" : method;
    expectedStatus = expectedStatus == null ? List.of() : List.copyOf(expectedStatus);
    send = send == null ? "" : send;
    expect = expect == null ? "" : expect;
    grpcService = grpcService == null ? "" : grpcService;
  }

  /** A TCP or HTTP monitor. */
  public HealthMonitorConfig(
      Type type,
      Duration interval,
      Duration timeout,
      int rise,
      int fall,
      String path,
      String method,
      String hostHeader,
      List<StatusRange> expectedStatus,
      int port,
      String send,
      String expect) {
    this(
        type,
        interval,
        timeout,
        rise,
        fall,
        path,
        method,
        hostHeader,
        expectedStatus,
        port,
        send,
        expect,
        "");
  }

  /** A monitor with the defaults: GET, the member's address as Host, 200-399, its port. */
  public HealthMonitorConfig(
      Type type, Duration interval, Duration timeout, int rise, int fall, String path) {
    this(type, interval, timeout, rise, fall, path, "GET", null, List.of(), 0, "", "");
  }

  /** Whether an HTTP probe answered with {@code status} passes. */
  public boolean passes(int status) {
    if (expectedStatus.isEmpty()) {
      return status >= 200 && status < 400;
    }
    return expectedStatus.stream().anyMatch(r -> r.contains(status));
  }
}
