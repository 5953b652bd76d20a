package io.gatehouse.engine.http.framing;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;

/**
 * The framing rules of RFC 9112 §6 that the engine holds every message head to, after Netty's
 * decoder has read it and decided its body's length. A head that passes leaves with framing headers
 * the engine wrote: exactly one {@code Transfer-Encoding: chunked} or one {@code Content-Length} of
 * plain digits, or neither, matching the length the decoder reads. So what a member (or client)
 * receives is framed one way only, however the sender spelled it.
 */
public final class MessageFraming {
  /** Headers that frame or route a message; a {@code Connection} header may not name them. */
  private static final List<String> END_TO_END_FRAMING =
      List.of("content-length", "transfer-encoding", "host");

  private MessageFraming() {}

  /**
   * Netty's decoder at its strictest, set here rather than left to defaults that a system property
   * can change: CRLF line ends only, validated header names and values, one Content-Length, and a
   * message with both Transfer-Encoding and Content-Length refused (RFC 9112 §6.1).
   */
  static HttpDecoderConfig decoderConfig(int maxLineLength, int maxHeaderSize) {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(maxLineLength)
        .setMaxHeaderSize(maxHeaderSize)
        .setMaxChunkSize(8192)
        .setStrictLineParsing(true)
        .setValidateHeaders(true)
        .setAllowDuplicateContentLengths(false)
        .setUseRfc9112TransferEncoding(true);
  }

  /** Checks and re-frames a client's request; throws with the status the client gets. */
  static void request(HttpRequest request) {
    HttpHeaders headers = request.headers();
    if (request.method().equals(HttpMethod.CONNECT)) {
      throw FramingException.notImplemented("CONNECT is not served: this is a reverse proxy");
    }
    if (headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY1)) {
      // Netty frames a draft-76 handshake with an 8-byte body that no current member expects
      throw FramingException.badRequest("draft-76 WebSocket handshakes are not supported");
    }
    if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)
        && headers.getAll(HttpHeaderNames.HOST).size() != 1) {
      throw FramingException.badRequest("an HTTP/1.1 request needs exactly one Host header");
    }
    check(headers);
    reframe(headers);
  }

  /**
   * Checks and re-frames a member's response; any problem is the member's, so the status on the
   * exception does not matter (the client gets a 502).
   */
  static void response(HttpMessage response) {
    check(response.headers());
    reframe(response.headers());
  }

  private static void check(HttpHeaders headers) {
    for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : connection.split(",", -1)) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (END_TO_END_FRAMING.contains(name)) {
          throw FramingException.badRequest(
              "the Connection header names " + name + ", which is not hop-by-hop");
        }
      }
    }
    List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
    if (lengths.size() > 1 || (lengths.size() == 1 && !digits(lengths.get(0)))) {
      throw FramingException.badRequest("Content-Length is not one decimal number");
    }
    if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      checkCodings(headers.getAll(HttpHeaderNames.TRANSFER_ENCODING));
      if (!lengths.isEmpty()) {
        throw FramingException.badRequest("both Transfer-Encoding and Content-Length");
      }
    }
  }

  /**
   * The transfer codings must be exactly {@code chunked}: a list whose last coding is not chunked
   * has no length a recipient can agree on (400), and the engine implements no other coding (501).
   */
  private static void checkCodings(List<String> values) {
    int chunked = 0;
    String last = null;
    String other = null;
    for (String value : values) {
      for (String element : value.split(",", -1)) {
        String coding = element.trim().toLowerCase(Locale.ROOT);
        if (coding.isEmpty()) {
          continue; // empty list elements are allowed (RFC 9110 §5.6.1)
        }
        last = coding;
        if (coding.equals(HttpHeaderValues.CHUNKED.toString())) {
          chunked++;
        } else if (other == null) {
          other = coding;
        }
      }
    }
    if (!HttpHeaderValues.CHUNKED.contentEquals(String.valueOf(last))) {
      throw FramingException.badRequest("the last transfer coding is not chunked");
    }
    if (other != null) {
      throw FramingException.notImplemented("a transfer coding other than chunked");
    }
    if (chunked > 1) {
      throw FramingException.badRequest("chunked is applied more than once");
    }
  }

  /** Writes the one framing header, spelled one way, that the decoder's reading calls for. */
  private static void reframe(HttpHeaders headers) {
    if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    if (length != null && length.length() > 1 && length.charAt(0) == '0') {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, Long.parseLong(length)); // no leading zeros
    }
  }

  private static boolean digits(String value) {
    if (value.isEmpty() || value.length() > 18) {
      return false; // 18 digits: far beyond any body, and never a long overflow
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
