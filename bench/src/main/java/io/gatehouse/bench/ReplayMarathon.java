package io.gatehouse.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A Marathon that only replays: it serves a recorded {@code GET /v2/apps} body and writes the
 * events the benchmark hands it to every {@code /v2/events} stream, in Marathon's framing. With
 * nothing to compute per event, the measured delay is discovery-svc's alone.
 */
final class ReplayMarathon implements AutoCloseable {
  private final HttpServer server;
  private final byte[] apps;
  private final List<OutputStream> streams = new CopyOnWriteArrayList<>();

  ReplayMarathon(String appsJson) throws IOException {
    this.apps = appsJson.getBytes(StandardCharsets.UTF_8);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "replay-marathon");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(
        "/v2/apps",
        e -> {
          if (e.getRequestURI().getPath().equals("/v2/apps")) {
            reply(e, apps);
          } else {
            e.sendResponseHeaders(404, -1); // task failures need no app refetch
            e.close();
          }
        });
    server.createContext(
        "/v2/leader", e -> reply(e, ("{\"leader\":\"127.0.0.1:" + port() + "\"}").getBytes()));
    server.createContext("/v2/events", this::stream);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Whether an event stream is open. */
  boolean streaming() {
    return !streams.isEmpty();
  }

  /** Writes a task failure to every stream. */
  void taskFailed(String appId, String taskId) {
    String data =
        "{\"slaveId\":\"agent\",\"taskId\":\""
            + taskId
            + "\",\"taskStatus\":\"TASK_FAILED\",\"message\":\"exited\",\"appId\":\""
            + appId
            + "\",\"host\":\"127.0.0.1\",\"ports\":[],\"ipAddresses\":[],\"version\":\"2026-01-01T00:00:00.000Z\","
            + "\"eventType\":\"status_update_event\",\"timestamp\":\""
            + Instant.now()
            + "\"}";
    byte[] frame =
        ("event: status_update_event\r\ndata: " + data + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    for (OutputStream out : streams) {
      try {
        synchronized (out) {
          out.write(frame);
          out.flush();
        }
      } catch (IOException e) {
        streams.remove(out);
      }
    }
  }

  private void stream(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    out.write("event: event_stream_attached\r\ndata: {}\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    streams.add(out); // the exchange stays open: the benchmark writes to it
  }

  private static void reply(HttpExchange exchange, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
