package io.gatehouse.engine.http.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RawHttpClient;
import io.gatehouse.engine.testing.RecordingMember;
import io.gatehouse.engine.testing.RunningEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests framed every way RFC 9112 allows and every way request smuggling tries, sent on a raw
 * socket through the engine to a member that records each byte. A refused request reaches no
 * member; an accepted one reaches it as exactly one request, framed the one way the engine writes.
 */
@ExtendWith(LeakCheck.class)
class RequestFramingIT {
  /** What the engine adds to every request it forwards from 127.0.0.1 over plain HTTP. */
  private static final String FWD = "x-forwarded-for: 127.0.0.1\r\nx-forwarded-proto: http\r\n";

  private ServiceEngine engine;
  private RecordingMember member;
  private int port;

  @BeforeEach
  void start() throws Exception {
    member = new RecordingMember();
    port = RunningEngine.freePort();
    engine = RunningEngine.serving(port, member.port());
  }

  @AfterEach
  void stop() throws Exception {
    engine.close();
    member.close();
  }

  /** A request the engine refuses with {@code status}, before any member sees a byte of it. */
  record Refused(String name, String sent, int status) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Requests the engine accepts, answered 200 each, that reach the member as {@code forwarded}. */
  record Accepted(String name, String sent, int requests, String forwarded) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Refused> refused() {
    String post = "POST / HTTP/1.1\r\nHost: a\r\n";
    return Stream.of(
        // CL.TE and TE.CL: both lengths, in either order
        new Refused(
            "CL.TE",
            post + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
            400),
        new Refused(
            "TE.CL",
            post
                + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n",
            400),
        // TE.TE: a Transfer-Encoding one reader takes for chunked and another does not
        new Refused(
            "TE xchunked beside CL",
            post + "Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
            400),
        new Refused(
            "TE with whitespace before the colon",
            post + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
            400),
        new Refused(
            "TE folded onto a second line",
            post + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
            400),
        new Refused(
            "TE hidden in a folded line",
            post + "X-Padding: a\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400),
        new Refused(
            "whitespace before the first header",
            "POST / HTTP/1.1\r\n Transfer-Encoding: chunked\r\nHost: a\r\n\r\n0\r\n\r\n",
            400),
        new Refused(
            "TE twice, the last not chunked",
            post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n",
            400),
        new Refused(
            "TE list ending in another coding",
            post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
            400),
        new Refused("TE quoted", post + "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n", 400),
        new Refused(
            "TE chunked applied twice",
            post + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
            400),
        new Refused(
            "TE with a coding the engine does not implement",
            post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            501),
        new Refused(
            "TE in an HTTP/1.0 request",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400),
        // CL.CL: lengths a reader may take either way
        new Refused(
            "two Content-Lengths",
            post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhelloX",
            400),
        new Refused("a Content-Length list", post + "Content-Length: 5, 5\r\n\r\nhello", 400),
        new Refused("a signed Content-Length", post + "Content-Length: +5\r\n\r\nhello", 400),
        new Refused("a hexadecimal Content-Length", post + "Content-Length: 0x5\r\n\r\nhello", 400),
        new Refused(
            "a Content-Length with two numbers", post + "Content-Length: 5 5\r\n\r\nhello", 400),
        // hop-by-hop removal must never take the framing or the host along
        new Refused(
            "Connection naming Content-Length",
            post + "Connection: Content-Length\r\nContent-Length: 13\r\n\r\nGET /x HTTP/1.1\r\n",
            400),
        new Refused(
            "Connection naming Transfer-Encoding",
            post
                + "Connection: close, transfer-encoding\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400),
        new Refused(
            "Connection naming Host", "GET / HTTP/1.1\r\nHost: a\r\nConnection: Host\r\n\r\n", 400),
        // lines and characters
        new Refused("a bare CR in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n", 400),
        new Refused("a line ending in LF alone", "GET / HTTP/1.1\nHost: a\n\n", 400),
        new Refused("a NUL in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n", 400),
        new Refused(
            "a control character in the URI", "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        new Refused(
            "a header line without a colon", "GET / HTTP/1.1\r\nHost: a\r\nX-A\r\n\r\n", 400),
        new Refused("an invalid header name", "GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n", 400),
        // host and method
        new Refused("an HTTP/1.1 request without Host", "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", 400),
        new Refused("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        new Refused("CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", 501),
        new Refused(
            "a draft-76 WebSocket handshake and its unframed body",
            "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: WebSocket\r\n"
                + "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n"
                + "\r\nGET /x H",
            400));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedRequestsReachNoMember(Refused example) throws Exception {
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send(example.sent());

      RawHttpClient.Answer answer = client.next();

      assertThat(answer.status()).isEqualTo(example.status());
      assertThat(answer.headers()).containsEntry("connection", "close");
      assertThat(client.endedByPeer()).as("the connection ends after the answer").isTrue();
    }
    assertThat(member.connections()).as("connections to the member").isZero();
    assertThat(member.received()).isEmpty();
  }

  static Stream<Accepted> accepted() {
    return Stream.of(
        new Accepted(
            "a plain GET",
            "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            1,
            "GET / HTTP/1.1\r\nHost: a\r\n" + FWD + "\r\n"),
        new Accepted(
            "a body after Content-Length, and a request pipelined behind it",
            "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /x HTTP/1.1\r\nHost: a\r\n\r\n",
            2,
            "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                + FWD
                + "\r\nhello"
                + "GET /x HTTP/1.1\r\nHost: a\r\n"
                + FWD
                + "\r\n"),
        new Accepted(
            "a chunked body with an extension and a trailer, chunked again by the engine",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n",
            1,
            "POST / HTTP/1.1\r\nHost: a\r\ntransfer-encoding: chunked\r\n"
                + FWD
                + "\r\n5\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n"),
        new Accepted(
            "chunked spelled in capitals after a tab",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tChunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
            1,
            "POST / HTTP/1.1\r\nHost: a\r\ntransfer-encoding: chunked\r\n"
                + FWD
                + "\r\n2\r\nhi\r\n0\r\n\r\n"),
        new Accepted(
            "a Content-Length with leading zeros, written without",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 005\r\n\r\nhello",
            1,
            "POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 5\r\n" + FWD + "\r\nhello"),
        new Accepted(
            "a header the Connection header names stays behind",
            "GET / HTTP/1.1\r\nHost: a\r\nConnection: X-Hint\r\nX-Hint: 1\r\n\r\n",
            1,
            "GET / HTTP/1.1\r\nHost: a\r\n" + FWD + "\r\n"),
        new Accepted(
            "an HTTP/1.0 request needs no Host",
            "GET / HTTP/1.0\r\n\r\n",
            1,
            "GET / HTTP/1.0\r\n" + FWD + "\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void acceptedRequestsReachTheMemberOnceEachFramedOneWay(Accepted example) throws Exception {
    List<Integer> statuses = new ArrayList<>();
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send(example.sent());
      for (int i = 0; i < example.requests(); i++) {
        statuses.add(client.next().status());
      }
    }
    assertThat(statuses).containsOnly(200).hasSize(example.requests());
    assertThat(member.received()).isEqualTo(example.forwarded());
    assertThat(member.requests()).hasSize(example.requests());
    assertThat(member.violations()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenBodies")
  void aBrokenChunkedBodyIsRefusedAndItsMemberGetsNoWholeRequest(String name, String sent)
      throws Exception {
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send(sent);
      assertThat(client.next().status()).isEqualTo(400);
      assertThat(client.endedByPeer()).isTrue();
    }
    // the head may have gone up before the body broke off; the member's connection then ends
    await().until(() -> member.closed() == member.connections());
    assertThat(member.requests()).isEmpty();
    assertThat(member.violations()).isZero();
  }

  static Stream<Arguments> brokenBodies() {
    String head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    return Stream.of(
        Arguments.of("a chunk size that overflows", head + "fffffffffffffffff1\r\nx\r\n0\r\n\r\n"),
        Arguments.of("a chunk size that is not hexadecimal", head + "5g\r\nhello\r\n0\r\n\r\n"),
        Arguments.of(
            "an over-long chunk extension",
            head + "5;" + "e".repeat(5000) + "\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("over-long trailers", head + "0\r\nX-T: " + "t".repeat(5000) + "\r\n\r\n"),
        Arguments.of("a chunk longer than its size", head + "2\r\nhello\r\n0\r\n\r\n"));
  }
}
