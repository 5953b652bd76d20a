package io.gatehouse.engine.http.framing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * A grammar of hostile HTTP/1.1 traffic for the fuzz harnesses: messages built from the pieces
 * request smuggling and response splitting are made of (lengths spelled every way, transfer codings
 * obfuscated, folded and broken lines, control characters, chunk sizes that overflow), pipelined
 * several to a connection and cut into segments at arbitrary points.
 */
final class RequestGrammar {
  private RequestGrammar() {}

  /** One connection's bytes, as the segments they arrive in. */
  static Arbitrary<List<byte[]>> requestStreams() {
    return stream(request());
  }

  /** A member's bytes on one connection, as the segments they arrive in. */
  static Arbitrary<List<byte[]>> responseStreams() {
    return stream(response());
  }

  private static Arbitrary<List<byte[]>> stream(Arbitrary<String> message) {
    return message
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(messages -> String.join("", messages).getBytes(StandardCharsets.ISO_8859_1))
        .flatMap(RequestGrammar::cut);
  }

  private static Arbitrary<List<byte[]>> cut(byte[] bytes) {
    return Arbitraries.integers()
        .between(0, bytes.length)
        .list()
        .ofMaxSize(4)
        .map(
            points -> {
              List<Integer> sorted = points.stream().sorted().distinct().toList();
              java.util.ArrayList<byte[]> segments = new java.util.ArrayList<>();
              int from = 0;
              for (int point : sorted) {
                segments.add(java.util.Arrays.copyOfRange(bytes, from, point));
                from = point;
              }
              segments.add(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
              return segments;
            });
  }

  static Arbitrary<String> request() {
    Arbitrary<String> method =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.of("GET", "POST", "PUT", "HEAD", "DELETE")),
            Tuple.of(1, Arbitraries.of("OPTIONS", "CONNECT", "get", "G\tET")));
    Arbitrary<String> target =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.of("/", "/a?b=c", "*", "http://x/y")),
            Tuple.of(1, Arbitraries.of("/a\u0001b", "/%0d")));
    Arbitrary<String> version =
        Arbitraries.frequency(
            Tuple.of(12, "HTTP/1.1"),
            Tuple.of(2, "HTTP/1.0"),
            Tuple.of(1, "HTTP/2.0"),
            Tuple.of(1, "HTTP/1.1 "));
    Arbitrary<String> host = Arbitraries.frequency(Tuple.of(9, "Host: a"), Tuple.of(1, ""));
    return Combinators.combine(method, target, version, host, headers(), lineEnd(), body())
        .as(
            (m, t, v, h, fields, end, b) ->
                m + " " + t + " " + v + end + (h.isEmpty() ? "" : h + end) + fields + end + b);
  }

  static Arbitrary<String> response() {
    Arbitrary<String> status =
        Arbitraries.of(
            "200 OK",
            "200 OK",
            "204 No Content",
            "304 Not Modified",
            "100 Continue",
            "103 Early Hints",
            "500 Oops",
            "200");
    Arbitrary<String> version = Arbitraries.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.0");
    return Combinators.combine(version, status, headers(), lineEnd(), body())
        .as((v, s, h, end, b) -> v + " " + s + end + h + end + b);
  }

  /** Header lines: mostly what well-behaved peers send, a hostile one now and then. */
  private static Arbitrary<String> headers() {
    Arbitrary<String> benign =
        Arbitraries.oneOf(
            Arbitraries.of(
                "Accept: */*", "X-Ok: 1", "Transfer-Encoding: chunked", "Connection: X-A"),
            length().map(n -> "Content-Length: " + n));
    Arbitrary<String> hostile =
        Arbitraries.oneOf(
            length().map(n -> "Content-Length: " + n + ", " + n),
            length().map(n -> "Content-Length: +" + n),
            length().map(n -> "Content-Length: 0" + n),
            Arbitraries.of(
                "Host: b",
                "Transfer-Encoding: Chunked",
                "Transfer-Encoding: xchunked",
                "Transfer-Encoding: chunked, identity",
                "Transfer-Encoding: gzip, chunked",
                "Transfer-Encoding : chunked",
                "Transfer-Encoding:\tchunked",
                "Transfer-Encoding: \"chunked\"",
                "Connection: close",
                "Connection: keep-alive, Content-Length",
                "Connection: Transfer-Encoding",
                "X-A: b\rc",
                " folded: line",
                "\tfolded",
                "X-B\u0000: v",
                "X-C: \u007f",
                "X-D",
                "Expect: 100-continue",
                "Upgrade: websocket",
                "Sec-WebSocket-Key1: 1",
                "Trailer: X-T"));
    Arbitrary<String> field = Arbitraries.frequencyOf(Tuple.of(6, benign), Tuple.of(1, hostile));
    return Combinators.combine(field.list().ofMaxSize(4), lineEnd())
        .as((fields, end) -> fields.stream().map(f -> f + end).reduce("", String::concat));
  }

  private static Arbitrary<Integer> length() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 12), Arbitraries.of(99999999));
  }

  private static Arbitrary<String> lineEnd() {
    return Arbitraries.frequency(Tuple.of(40, "\r\n"), Tuple.of(1, "\n"), Tuple.of(1, "\r"));
  }

  private static Arbitrary<String> body() {
    return Arbitraries.oneOf(
        Arbitraries.just(""),
        Arbitraries.just(""),
        Arbitraries.strings().withChars("abcXY\r\n0123456789;").ofMaxLength(16),
        Arbitraries.of(
            "hello",
            "5\r\nhello\r\n0\r\n\r\n",
            "5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
            "0\r\n\r\n",
            "fffffffffffffffff1\r\nx\r\n",
            "2\r\nhello\r\n0\r\n\r\n",
            "5\r\nhel",
            "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n"));
  }
}
