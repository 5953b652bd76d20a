package io.gatehouse.engine.http.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RawHttpClient;
import io.gatehouse.engine.testing.RecordingMember;
import io.gatehouse.engine.testing.RunningEngine;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Members held to the same framing rules as clients: an ambiguous response is never passed on (the
 * client gets a 502 and the member's connection is closed), and what a member sends beyond its
 * response never becomes the answer to anyone's next request.
 */
@ExtendWith(LeakCheck.class)
class ResponseFramingIT {
  private static final String GET = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

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

  static Stream<Arguments> ambiguous() {
    String ok = "HTTP/1.1 200 OK\r\n";
    return Stream.of(
        Arguments.of(
            "both lengths",
            ok + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
        Arguments.of(
            "two Content-Lengths", ok + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nok!"),
        Arguments.of("a signed Content-Length", ok + "Content-Length: +2\r\n\r\nok"),
        Arguments.of("a coding other than chunked", ok + "Transfer-Encoding: gzip\r\n\r\nok"),
        Arguments.of(
            "chunked twice",
            ok + "Transfer-Encoding: chunked, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
        Arguments.of("a folded header line", ok + "Content-Length: 2\r\nX-A: a\r\n b\r\n\r\nok"),
        Arguments.of("whitespace before a colon", ok + "Content-Length : 2\r\n\r\nok"),
        Arguments.of(
            "a bare CR hiding a header (response splitting)",
            ok + "Content-Length: 2\r\nX-A: a\rSet-Cookie: session=stolen\r\n\r\nok"),
        Arguments.of(
            "Connection naming Content-Length",
            ok + "Connection: Content-Length\r\nContent-Length: 2\r\n\r\nok"),
        Arguments.of(
            "a control character in a value", ok + "Content-Length: 2\r\nX-A: \u0001\r\n\r\nok"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ambiguous")
  void anAmbiguousResponseIsA502AndEndsTheMemberConnection(String name, String response)
      throws Exception {
    member.answerWith(response);
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send(GET);

      RawHttpClient.Answer answer = client.next();

      assertThat(answer.status()).isEqualTo(502);
      assertThat(answer.headers()).doesNotContainKey("set-cookie");
    }
    await().until(() -> member.closed() == 1);
    assertThat(member.requests()).hasSize(1).as("not sent again to the member that answered");
  }

  @Test
  void aResponseThatBreaksOffMidBodyEndsBothConnections() throws Exception {
    member.answerWith(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\nfffffffffffffffffff1\r\n");
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send(GET);
      assertThatThrownBy(client::next)
          .as("the client sees its response cut short, never a whole one")
          .isInstanceOf(IOException.class)
          .hasMessageContaining("ended inside a response");
    }
    await().until(() -> member.closed() == 1);
  }

  @Test
  void bytesAMemberSendsAfterItsResponseNeverAnswerTheNextRequest() throws Exception {
    member.answerWith(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            + "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged");
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send(GET + GET); // pipelined: the second is served right after the first

      assertThat(client.next().body()).isEqualTo("ok");
      assertThat(client.next().body()).isEqualTo("ok");
      client.send(GET);
      assertThat(client.next().body()).isEqualTo("ok");
    }
    assertThat(member.requests()).hasSize(3);
    assertThat(member.connections()).as("each connection closed on its forged answer").isEqualTo(3);
  }

  @Test
  void interimResponsesAreNotPassedOn() throws Exception {
    member.answerWith(
        "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
            + "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send(GET);
      RawHttpClient.Answer answer = client.next();
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("ok");
      client.send(GET);
      assertThat(client.next().status()).isEqualTo(200);
    }
    assertThat(member.connections()).as("the member connection was kept").isEqualTo(1);
  }

  @Test
  void anHttp10ClientGetsAChunkedResponseUnchunkedAndEndedByTheConnection() throws Exception {
    member.answerWith(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3\r\n!!!\r\n0\r\n\r\n");
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send("GET / HTTP/1.0\r\n\r\n");
      RawHttpClient.Answer answer = client.next();
      assertThat(answer.headers()).doesNotContainKey("transfer-encoding");
      assertThat(answer.headers()).containsEntry("connection", "close");
      assertThat(answer.body()).isEqualTo("ok!!!");
    }
  }

  @Test
  void aResponseToHeadHasNoBodyWhateverItsLengthSays() throws Exception {
    member.answerWith("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
      RawHttpClient.Answer head = client.nextToHead();
      assertThat(head.headers()).containsEntry("content-length", "1000");
      member.answerWith("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      client.send(GET);
      assertThat(client.next().body()).isEqualTo("ok");
    }
  }
}
