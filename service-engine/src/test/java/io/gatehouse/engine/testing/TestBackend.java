package io.gatehouse.engine.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP/1.1 server on loopback for the engine to proxy to (the JDK's server: keep-alive and
 * chunked bodies like any application server). Paths: {@code /hello} names the backend, {@code
 * /headers} lists the request headers, {@code /echo} streams the request body back, {@code
 * /bytes?n=} streams n bytes, {@code /slow?ms=} answers after that many milliseconds (an app's own
 * time), {@code /hang} never answers, {@code /truncate} promises 1000 bytes and sends 10.
 */
public final class TestBackend implements AutoCloseable {
  private final String name;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean healthy = true;
  private volatile CountDownLatch held = new CountDownLatch(0);

  private TestBackend(String name) throws IOException {
    this.name = name;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public static TestBackend start(String name) {
    try {
      return new TestBackend(name);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** What {@code /health} answers from now on: 200, or 503 when not healthy. */
  public void setHealthy(boolean healthy) {
    this.healthy = healthy;
  }

  /** Makes {@code /held} requests wait until {@link #letGo()}. */
  public void hold() {
    held = new CountDownLatch(1);
  }

  public void letGo() {
    held.countDown();
  }

  /** How many distinct connections the engine opened to this backend. */
  public int connectionsSeen() {
    return clientPorts.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    clientPorts.add(exchange.getRemoteAddress().getPort());
    String path = exchange.getRequestURI().getPath();
    try (exchange) {
      switch (path) {
        case "/hello" -> reply(exchange, 200, "hello from " + name);
        case "/health" -> reply(exchange, healthy ? 200 : 503, healthy ? "ok" : "sick");
        case "/held" -> {
          held.await();
          reply(exchange, 200, "let go by " + name);
        }
        case "/headers" -> {
          Map<String, String> headers = new TreeMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
          StringBuilder body = new StringBuilder();
          headers.forEach((k, v) -> body.append(k).append(": ").append(v).append('\n'));
          reply(exchange, 200, body.toString());
        }
        case "/echo" -> {
          exchange.sendResponseHeaders(200, 0); // chunked
          try (InputStream in = exchange.getRequestBody();
              OutputStream out = exchange.getResponseBody()) {
            in.transferTo(out);
          }
        }
        case "/bytes" -> {
          long n = Long.parseLong(exchange.getRequestURI().getQuery().substring(2));
          exchange.sendResponseHeaders(200, 0);
          byte[] block = new byte[8192];
          try (OutputStream out = exchange.getResponseBody()) {
            for (long left = n; left > 0; left -= block.length) {
              out.write(block, 0, (int) Math.min(block.length, left));
            }
          }
        }
        case "/stream" -> { // ?chunks=N&ms=M: N chunks of 8 KiB, M ms apart
          String[] q = exchange.getRequestURI().getQuery().split("&");
          int chunks = Integer.parseInt(q[0].substring("chunks=".length()));
          long ms = Long.parseLong(q[1].substring("ms=".length()));
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, 0);
          byte[] block = new byte[8192];
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < chunks; i++) {
              if (i > 0) {
                released.await(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
              }
              out.write(block);
              out.flush();
            }
          }
        }
        case "/slow" -> {
          long ms = Long.parseLong(exchange.getRequestURI().getQuery().substring(3));
          released.await(ms, java.util.concurrent.TimeUnit.MILLISECONDS); // the app thinks
          reply(exchange, 200, "slow from " + name);
        }
        case "/hang" -> {
          exchange.getRequestBody().readAllBytes();
          released.await();
        }
        case "/truncate" -> {
          exchange.sendResponseHeaders(200, 1000);
          exchange.getResponseBody().write(new byte[10]);
          exchange.getResponseBody().flush();
          exchange.getHttpContext().getServer().stop(0); // the connection ends mid-body
        }
        default -> reply(exchange, 404, "no " + path);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    exchange.getRequestBody().readAllBytes();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
