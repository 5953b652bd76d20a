package io.gatehouse.bench;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.testsupport.ServiceJar;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The service engine from its jar, in the quick form over one local backend: the time from process
 * start to the first proxied response, then many idle keep-alive client connections — each opened
 * with a request, left idle, then used again — and the engine's resident memory while it holds
 * them. Throughput and latency against HAProxy and nginx are measured by
 * ../shared/bench/lb-compare.
 */
@Command(
    name = "engine",
    mixinStandardHelpOptions = true,
    description = "Benchmark the service engine: start time, idle keep-alive connections, memory.")
final class EngineBench implements Callable<Integer> {
  private static final byte[] REQUEST =
      "GET /1k HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  @Option(
      names = "--connections",
      description = "idle keep-alive connections (default: ${DEFAULT-VALUE})")
  int connections = 10_000;

  @Option(
      names = "--idle-seconds",
      description = "how long they stay idle (default: ${DEFAULT-VALUE})")
  int idleSeconds = 10;

  @Override
  public Integer call() throws Exception {
    // the JDK server writes headers and body apart: without this, Nagle meets delayed ACKs
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    backend.setExecutor(Executors.newFixedThreadPool(4));
    byte[] body = new byte[1024];
    backend.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    backend.start();
    int listen = ServiceJar.freePort();
    long started = System.nanoTime();
    try (ServiceJar engine =
        ServiceJar.start(
            "service-engine",
            List.of(),
            List.of(
                "--listen=127.0.0.1:" + listen,
                "--backend=127.0.0.1:" + backend.getAddress().getPort(),
                "--admin=127.0.0.1:" + ServiceJar.freePort()),
            Map.of())) {
      long firstResponse = firstProxiedResponse(listen, started);
      System.out.printf(
          Locale.ROOT,
          "start -> first proxied response: %.2f s%n",
          (firstResponse - started) / 1e9);

      List<Socket> open = new ArrayList<>(connections);
      long opening = System.nanoTime();
      int failedOpen = 0;
      for (int i = 0; i < connections; i++) {
        try {
          Socket socket = new Socket("127.0.0.1", listen);
          socket.setSoTimeout(10_000);
          exchange(socket);
          open.add(socket);
        } catch (IOException e) {
          failedOpen++;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%d keep-alive connections opened with a request each in %.1f s (%d failed); RSS %.0f MiB%n",
          open.size(),
          (System.nanoTime() - opening) / 1e9,
          failedOpen,
          engine.residentBytes() / 1048576.0);
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(idleSeconds)); // the connections sit idle
      int failedReuse = 0;
      for (Socket socket : open) {
        try {
          exchange(socket);
        } catch (IOException e) {
          failedReuse++;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "after %d s idle: %d of %d connections answered a second request (%d failed); RSS %.0f MiB%n",
          idleSeconds,
          open.size() - failedReuse,
          open.size(),
          failedReuse,
          engine.residentBytes() / 1048576.0);
      for (Socket socket : open) {
        socket.close();
      }
    } finally {
      backend.stop(0);
    }
    return 0;
  }

  /** Polls until the engine proxies a request; the time it first did. */
  private static long firstProxiedResponse(int port, long started) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)) {
      try {
        HttpResponse<Void> response =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/1k")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return System.nanoTime();
        }
      } catch (IOException notYet) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
    }
    throw new IllegalStateException("the engine proxied nothing within 30 s");
  }

  /** One request on a kept connection; the response must be a 200 with its 1k body. */
  private static void exchange(Socket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(REQUEST);
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed");
      }
      head.append((char) b);
    }
    if (!head.toString().startsWith("HTTP/1.1 200")) {
      throw new IOException("not a 200: " + head.toString().lines().findFirst().orElse(""));
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    if (in.readNBytes(length).length != length) {
      throw new IOException("body cut short");
    }
  }
}
