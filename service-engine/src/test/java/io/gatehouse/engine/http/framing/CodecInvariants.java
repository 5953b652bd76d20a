package io.gatehouse.engine.http.framing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;

/**
 * What must hold whatever bytes reach one of the engine's codecs: no exception escapes it; each
 * head it passes on is framed one way only (exactly one decimal Content-Length or one {@code
 * Transfer-Encoding: chunked}, or neither), with no control character in any header and no
 * Connection token naming the framing; a body is exactly as long as its head says; and after a
 * refused message nothing more is decoded. Every message is released (leaks show under paranoid
 * leak detection).
 */
final class CodecInvariants {
  /** What one stream decoded to. */
  record Outcome(int heads, boolean refused) {}

  private CodecInvariants() {}

  /** Feeds {@code segments} to a client connection's codec. */
  static Outcome requests(List<byte[]> segments) {
    return run(new ServerCodec(1024, 2048), segments);
  }

  /** Feeds {@code segments} to a member connection's codec, as the answers to GET requests. */
  static Outcome responses(List<byte[]> segments) {
    return run(new MemberCodec(1024, 2048), segments);
  }

  private static Outcome run(ChannelHandler codec, List<byte[]> segments) {
    EmbeddedChannel channel = new EmbeddedChannel(codec);
    if (codec instanceof MemberCodec) {
      for (int i = 0; i < 8; i++) { // the requests its responses answer
        channel.writeOutbound(
            new io.netty.handler.codec.http.DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, "/"));
      }
      Object sent;
      while ((sent = channel.readOutbound()) != null) {
        ReferenceCountUtil.release(sent);
      }
    }
    Checker checker = new Checker();
    try {
      for (byte[] segment : segments) {
        channel.writeInbound(Unpooled.wrappedBuffer(segment)); // rethrows what escaped
        checker.drain(channel);
      }
      channel.finish();
      checker.drain(channel);
    } finally {
      channel.finishAndReleaseAll();
    }
    return new Outcome(checker.heads, checker.refused);
  }

  private static final class Checker {
    private int heads;
    private boolean refused;
    private long expected = -1; // the body length the current head announced; -1: none or chunked
    private long seen;

    void drain(EmbeddedChannel channel) {
      Object message;
      while ((message = channel.readInbound()) != null) {
        try {
          check(message);
        } finally {
          ReferenceCountUtil.release(message);
        }
      }
    }

    private void check(Object message) {
      assertThat(refused).as("nothing is decoded after a refused message").isFalse();
      if (message instanceof HttpMessage head) {
        if (head.decoderResult().isFailure()) {
          refused = true;
          return;
        }
        heads++;
        framedOneWay(head);
      }
      if (message instanceof HttpContent content) {
        if (content.decoderResult().isFailure()) {
          refused = true;
          return;
        }
        seen += content.content().readableBytes();
        if (content instanceof LastHttpContent && expected >= 0) {
          assertThat(seen).as("body bytes against Content-Length").isEqualTo(expected);
        }
      }
    }

    private void framedOneWay(HttpMessage head) {
      var headers = head.headers();
      for (Map.Entry<String, String> field : headers) {
        assertThat(field.getKey() + field.getValue())
            .as("a header without control characters")
            .doesNotContainPattern("[\\x00-\\x08\\x0a-\\x1f\\x7f]");
      }
      List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
      List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
      assertThat(lengths.size() + codings.size()).as("framing headers").isLessThanOrEqualTo(1);
      codings.forEach(coding -> assertThat(coding).isEqualTo("chunked"));
      lengths.forEach(length -> assertThat(length).matches("[0-9]+"));
      for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
        assertThat(connection.toLowerCase(java.util.Locale.ROOT))
            .doesNotContain("content-length", "transfer-encoding");
      }
      if (head instanceof HttpRequest request
          && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
        assertThat(headers.getAll(HttpHeaderNames.HOST)).hasSize(1);
      }
      boolean bodiless =
          head instanceof io.netty.handler.codec.http.HttpResponse response
              && (response.status().code() < 200
                  || response.status().code() == 204
                  || response.status().code() == 304);
      expected = lengths.isEmpty() || bodiless ? -1 : Long.parseLong(lengths.get(0));
      seen = 0;
    }
  }
}
