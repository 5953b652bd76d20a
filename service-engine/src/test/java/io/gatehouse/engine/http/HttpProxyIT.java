package io.gatehouse.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** HTTP proxying over loopback, from a real client through the engine to real backends. */
@ExtendWith(LeakCheck.class)
class HttpProxyIT {
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private ServiceEngine engine;
  private TestBackend a;
  private TestBackend b;
  private int port;

  @BeforeEach
  void start() {
    engine = RunningEngine.start();
    a = TestBackend.start("a");
    b = TestBackend.start("b");
    port = RunningEngine.freePort();
    engine.apply(
        RunningEngine.oneService(
            "web", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, a.port(), b.port()));
  }

  @AfterEach
  void stop() {
    engine.close();
    a.close();
    b.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void requestsAreSpreadOverTheMembersOnKeptConnections() throws Exception {
    Map<String, Integer> answers = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> response = get("/hello");
      assertThat(response.statusCode()).isEqualTo(200);
      answers.merge(response.body(), 1, Integer::sum);
    }

    assertThat(answers).containsEntry("hello from a", 10).containsEntry("hello from b", 10);
    // one client connection, sequential requests: each member needs a single upstream connection
    assertThat(a.connectionsSeen()).isEqualTo(1);
    assertThat(b.connectionsSeen()).isEqualTo(1);
    var stats = engine.services().get("web").stats();
    assertThat(stats.requests()).isEqualTo(20);
    assertThat(stats.responses(2)).isEqualTo(20);
  }

  @Test
  void membersLearnWhoTheClientIsAndNeverSeeHopByHopHeaders() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/headers"))
                .header("X-Forwarded-For", "203.0.113.7")
                .header("Keep-Alive", "timeout=5")
                .header("X-Custom", "kept")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.body())
        .contains("x-forwarded-for: 203.0.113.7, 127.0.0.1\n")
        .contains("x-forwarded-proto: http\n")
        .contains("x-custom: kept\n")
        .doesNotContain("keep-alive:");
  }

  @Test
  void largeBodiesStreamBothWaysIntact() throws Exception {
    byte[] upload = new byte[5 * 1024 * 1024];
    new Random(42).nextBytes(upload);

    HttpResponse<byte[]> echoed =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(echoed.statusCode()).isEqualTo(200);
    assertThat(Arrays.equals(echoed.body(), upload)).isTrue();

    HttpResponse<InputStream> download =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bytes?n=20000000"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    long total;
    try (InputStream in = download.body()) {
      total = in.transferTo(OutputStream.nullOutputStream());
    }
    assertThat(total).isEqualTo(20_000_000L);
  }

  @Test
  void aMemberThatRefusesIsSkippedAndNoMemberAtAllIs502() throws Exception {
    int closed = RunningEngine.freePort(); // nothing listens here
    engine.apply(
        RunningEngine.oneService(
            "web", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, closed, a.port()));
    for (int i = 0; i < 4; i++) {
      assertThat(get("/hello").body()).isEqualTo("hello from a");
    }

    // a member never tried before (the first may be ejected by now: that would be a 503)
    int alsoClosed = RunningEngine.freePort();
    engine.apply(
        RunningEngine.oneService("web", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, alsoClosed));
    HttpResponse<String> response = get("/hello");
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).contains("no pool member could be reached");
  }

  @Test
  void aConsistentHashOnAHeaderKeepsEachUserOnOneMember() throws Exception {
    engine.apply(
        EngineConfig.of(
            java.util.List.of(
                new io.gatehouse.engine.config.VirtualServiceConfig(
                    "web",
                    java.util.List.of(
                        new io.gatehouse.engine.config.ListenerConfig(
                            "127.0.0.1", port, Protocol.HTTP)),
                    "web")),
            java.util.List.of(
                new io.gatehouse.engine.config.PoolConfig(
                    "web",
                    LbAlgorithm.CONSISTENT_HASH,
                    RunningEngine.pool("web", LbAlgorithm.ROUND_ROBIN, a.port(), b.port())
                        .endpoints(),
                    Duration.ofSeconds(1),
                    null,
                    3,
                    Duration.ofSeconds(10),
                    "X-User"))));
    Map<String, java.util.Set<String>> membersByUser = new HashMap<>();
    // members listen on random ports, so the ring differs between runs: with 64 users the chance
    // that all of them hash to one member (2 in 2^64) is nil, where with 8 it was nearly 1 in 100
    for (int i = 0; i < 128; i++) {
      String user = "user-" + (i % 64);
      String body =
          client
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                      .header("X-User", user)
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      membersByUser.computeIfAbsent(user, u -> new java.util.HashSet<>()).add(body);
    }

    assertThat(membersByUser.values()).allSatisfy(members -> assertThat(members).hasSize(1));
    assertThat(membersByUser.values().stream().flatMap(java.util.Set::stream).distinct())
        .hasSize(2); // the users land on both members
  }

  @Test
  void aPoolWithNoMemberUpIs503() throws Exception {
    engine.pools().get("web").members().forEach(m -> m.setHealthy(false));

    HttpResponse<String> response = get("/hello");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(engine.services().get("web").stats().responses(5)).isEqualTo(1);
  }

  @Test
  void aMemberThatGoesAwayWithTheRequestIsRetriedElsewhereWhenTheRequestIsIdempotent()
      throws Exception {
    // a member that reads each request and closes the connection without an answer, as a task
    // killed mid-request does
    try (ServerSocket dropper =
        new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread dropping =
          new Thread(
              () -> {
                while (!dropper.isClosed()) {
                  try (Socket s = dropper.accept()) {
                    var in =
                        new java.io.BufferedReader(
                            new java.io.InputStreamReader(s.getInputStream()));
                    String line;
                    while ((line = in.readLine()) != null && !line.isEmpty()) {
                      // the request head, then the connection ends
                    }
                  } catch (IOException closed) {
                    // the test is over
                  }
                }
              });
      dropping.setDaemon(true);
      dropping.start();
      engine.apply(
          RunningEngine.oneService(
              "web",
              Protocol.HTTP,
              port,
              LbAlgorithm.ROUND_ROBIN,
              dropper.getLocalPort(),
              a.port()));

      for (int i = 0; i < 4; i++) {
        assertThat(get("/hello").body()).isEqualTo("hello from a"); // each GET is answered
      }
      java.util.List<Integer> posts = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        posts.add(
            client
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo"))
                        .POST(HttpRequest.BodyPublishers.ofString("pay once"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode());
      }
      assertThat(posts).containsExactlyInAnyOrder(200, 502); // a POST is never sent twice
    }
  }

  @Test
  void aRemovedServiceClosesItsIdleConnectionsAtOnceAndAnswersTheRequestInHand() throws Exception {
    engine.apply(
        RunningEngine.oneService("web", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, a.port()));
    a.hold();
    try (Socket inHand = new Socket("127.0.0.1", port);
        Socket idle = new Socket("127.0.0.1", port)) {
      inHand.setSoTimeout(10_000);
      idle.setSoTimeout(10_000);
      inHand.getOutputStream().write(request("/held"));
      idle.getOutputStream().write(request("/hello"));
      byte[] buffer = new byte[4096];
      StringBuilder first = new StringBuilder(); // the whole response, however it is split
      while (!first.toString().endsWith("hello from a")) {
        int n = idle.getInputStream().read(buffer);
        assertThat(n).as("the response so far: %s", first).isPositive();
        first.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
      }
      assertThat(first.toString())
          .startsWith("HTTP/1.1 200"); // answered; the connection now waits for a next request
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> engine.pools().get("web").members().get(0).inFlight() == 1);

      engine.apply(EngineConfig.empty()); // the service goes

      assertThat(idle.getInputStream().read(buffer)).isEqualTo(-1); // closed, not left idle
      a.letGo();
      String answer = new String(inHand.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("let go by a"); // then closed
    }
  }

  private static byte[] request(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: web\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aHangingMemberIsCutOffWith504() throws Exception {
    HttpResponse<String> response = get("/hang");

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(get("/hello").statusCode()).isEqualTo(200); // the client connection goes on
  }

  @Test
  void aResponseCutShortEndsTheClientConnection() {
    engine.apply(
        RunningEngine.oneService("web", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, a.port()));

    assertThatThrownBy(() -> get("/truncate")).isInstanceOf(IOException.class);
  }

  @Test
  void aClientThatResetsMidResponseLeavesNothingBehind() throws Exception {
    for (int i = 0; i < 5; i++) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(
                "GET /bytes?n=50000000 HTTP/1.1\r\nHost: a\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getInputStream().readNBytes(100_000); // the response is flowing ...
        socket.setSoLinger(true, 0); // ... and the client resets the connection
      }
    }

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                engine.pools().get("web").members().stream().allMatch(m -> m.inFlight() == 0)
                    && engine.services().get("web").stats().connectionsOpen() == 0);
    assertThat(get("/hello").statusCode()).isEqualTo(200);
  }

  @Test
  void malformedAndOversizedRequestsAreRefusedWithTheRightStatus() throws Exception {
    assertThat(raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(raw("GET /" + "x".repeat(2000) + " HTTP/1.1\r\nHost: a\r\n\r\n"))
        .startsWith("HTTP/1.1 414");
    assertThat(raw("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "y".repeat(3000) + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431");
  }

  @Test
  void aClientTooSlowToSendItsRequestHeadGets408() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write("GET /hello HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.US_ASCII));
      // ... and the blank line never comes
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 408");
    }
  }

  @Test
  void expectContinueIsAnsweredByTheEngine() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] head = new byte[25];
      int read = socket.getInputStream().readNBytes(head, 0, head.length);
      assertThat(new String(head, 0, read, StandardCharsets.US_ASCII))
          .startsWith("HTTP/1.1 100 Continue");
      out.write("hello".getBytes(StandardCharsets.US_ASCII));
      out.write(
          "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      String rest = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(rest).contains("HTTP/1.1 200").contains("hello").contains("hello from");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    String answer =
        raw(
            "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /headers HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

    assertThat(answer.split("HTTP/1.1 200", -1)).hasSize(4);
    assertThat(answer.indexOf("x-forwarded-proto"))
        .isBetween(answer.indexOf("hello from"), answer.lastIndexOf("hello from"));
  }

  @Test
  void aServiceWhoseNewListenerCannotBindKeepsTheListenersItHad() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int fresh = RunningEngine.freePort();
      EngineConfig twoMore =
          EngineConfig.of(
              java.util.List.of(
                  new io.gatehouse.engine.config.VirtualServiceConfig(
                      "web",
                      java.util.List.of(
                          new io.gatehouse.engine.config.ListenerConfig(
                              "127.0.0.1", port, Protocol.HTTP),
                          new io.gatehouse.engine.config.ListenerConfig(
                              "127.0.0.1", fresh, Protocol.HTTP),
                          new io.gatehouse.engine.config.ListenerConfig(
                              "127.0.0.1", taken.getLocalPort(), Protocol.HTTP)),
                      "web")),
              java.util.List.of(RunningEngine.pool("web", LbAlgorithm.ROUND_ROBIN, a.port())));

      ServiceEngine.ApplyResult result = engine.apply(twoMore);

      assertThat(result.failedServices()).containsOnlyKeys("web");
      // all or none: the fresh port is not left half-bound, the old one still serves
      assertThat(engine.sockets()).containsOnlyKeys("127.0.0.1:" + port);
      assertThat(get("/hello").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aListenerOnAPortInUseFailsItsServiceOnlyAndOthersComeAndGoUndisturbed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int other = RunningEngine.freePort();
      EngineConfig three =
          EngineConfig.of(
              java.util.List.of(
                  new io.gatehouse.engine.config.VirtualServiceConfig(
                      "web",
                      java.util.List.of(
                          new io.gatehouse.engine.config.ListenerConfig(
                              "127.0.0.1", port, Protocol.HTTP)),
                      "web"),
                  new io.gatehouse.engine.config.VirtualServiceConfig(
                      "blocked",
                      java.util.List.of(
                          new io.gatehouse.engine.config.ListenerConfig(
                              "127.0.0.1", taken.getLocalPort(), Protocol.HTTP)),
                      "web"),
                  new io.gatehouse.engine.config.VirtualServiceConfig(
                      "other",
                      java.util.List.of(
                          new io.gatehouse.engine.config.ListenerConfig(
                              "127.0.0.1", other, Protocol.HTTP)),
                      "web")),
              java.util.List.of(RunningEngine.pool("web", LbAlgorithm.ROUND_ROBIN, a.port())));

      ServiceEngine.ApplyResult result = engine.apply(three);

      assertThat(result.failedServices()).containsOnlyKeys("blocked");
      assertThat(result.failedServices().get("blocked"))
          .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
      assertThat(get("/hello").statusCode()).isEqualTo(200);
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other + "/hello"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body())
          .isEqualTo("hello from a");

      engine.apply(
          RunningEngine.oneService("web", Protocol.HTTP, port, LbAlgorithm.ROUND_ROBIN, a.port()));
      assertThat(engine.sockets()).containsOnlyKeys("127.0.0.1:" + port);
      assertThat(get("/hello").statusCode()).isEqualTo(200);
    }
  }

  /** Sends bytes as they are and reads the answer until the engine closes. */
  private String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
