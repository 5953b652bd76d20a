package io.gatehouse.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RawHttpClient;
import io.gatehouse.engine.testing.RunningEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The timeouts of an HTTP exchange, phase by phase (see {@link RunningEngine#SETTINGS}: 1 s for a
 * head, 5 s idle, 2 s for a member's first byte, 2 s of silence in a streaming body).
 */
@ExtendWith(LeakCheck.class)
class HttpTimeoutsIT {
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService members = Executors.newCachedThreadPool();
  private final CountDownLatch never = new CountDownLatch(1); // what a silent member waits for
  private ServerSocket member;
  private ServiceEngine engine;
  private int port;

  @BeforeEach
  void start() throws IOException {
    member = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    port = RunningEngine.freePort();
    engine = RunningEngine.serving(port, member.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    never.countDown();
    pacer.shutdownNow();
    members.shutdownNow();
    engine.close();
    member.close();
  }

  /**
   * Serves one connection: reads each request head, then {@code answer} writes the response; a
   * request's body is not read (the tests here send none, or stall in it).
   */
  private void serve(Answer answer) {
    members.submit(
        () -> {
          try (Socket socket = member.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (readHead(in)) {
              answer.write(out);
            }
          } catch (IOException | InterruptedException e) {
            // the engine closed the connection: the test looks at what the client saw
          }
          return null;
        });
  }

  private interface Answer {
    void write(OutputStream out) throws IOException, InterruptedException;
  }

  private static boolean readHead(InputStream in) throws IOException {
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return true;
      }
    }
    return false;
  }

  private static Answer ok() {
    return out -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  }

  /** A chunked response of {@code pieces} chunks, one every 150 ms, paced without blocking. */
  private Answer trickle(int pieces) {
    return out -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
      out.flush();
      CountDownLatch done = new CountDownLatch(pieces);
      for (int i = 1; i <= pieces; i++) {
        pacer.schedule(
            () -> {
              try {
                out.write(ascii("1\r\n.\r\n" + (done.getCount() == 1 ? "0\r\n\r\n" : "")));
                out.flush();
              } catch (IOException e) {
                // the engine cut the stream: the client sees it
              }
              done.countDown();
            },
            150L * i,
            TimeUnit.MILLISECONDS);
      }
      done.await();
    };
  }

  @Test
  void aKeptConnectionHasTheHeadTimeoutForEveryRequestNotOnlyTheFirst() throws Exception {
    serve(ok());
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(client.next().status()).isEqualTo(200);

      client.send("GET / HTTP/1.1\r\nHost: a\r\n"); // a second head that never ends

      RawHttpClient.Answer answer = client.next();
      assertThat(answer.status()).isEqualTo(408);
      assertThat(answer.body()).contains("request head too slow");
    }
  }

  @Test
  void aResponseThatKeepsMovingIsNeverCutHoweverLongItTakes() throws Exception {
    serve(trickle(20)); // 3 s in all: longer than the first-byte and the read-idle timeouts
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send("GET /events HTTP/1.1\r\nHost: a\r\n\r\n");

      RawHttpClient.Answer answer = client.next();

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo(".".repeat(20));
    }
  }

  @Test
  void aResponseThatStopsMovingIsCutAfterTheReadIdleTimeout() throws Exception {
    serve(
        out -> {
          out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf"));
          out.flush();
          never.await(); // and nothing more
        });
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");

      assertThatThrownBy(client::next).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aRequestBodyThatStopsComingIs408() throws Exception {
    serve(out -> never.await()); // a member that waits for the whole body before answering
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhalf");

      RawHttpClient.Answer answer = client.next();

      assertThat(answer.status()).isEqualTo(408);
      assertThat(answer.body()).contains("the request body stopped coming");
      assertThat(client.endedByPeer()).isTrue();
    }
  }

  @Test
  void aMemberThatNeverStartsItsAnswerIs504() throws Exception {
    serve(out -> never.await());
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");

      assertThat(client.next().status()).isEqualTo(504);
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
