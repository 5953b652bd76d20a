package io.gatehouse.engine.http.framing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of a client connection. Requests are decoded strictly: each head is scanned
 * before Netty parses it and its framing checked and rewritten after ({@link MessageFraming}); a
 * refused request arrives as a request with a failed decoder result whose cause is a {@link
 * FramingException}, and nothing after it on the connection is decoded. Responses are encoded with
 * the body their request allows (none for HEAD).
 */
public final class ServerCodec
    extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
  /** The methods of the requests decoded and not answered yet, oldest first. */
  private final ArrayDeque<HttpMethod> unanswered = new ArrayDeque<>();

  /**
   * Heads up to {@code maxLineLength} for the start line and {@code maxHeaderSize} for the rest.
   */
  public ServerCodec(int maxLineLength, int maxHeaderSize) {
    HttpDecoderConfig config = MessageFraming.decoderConfig(maxLineLength, maxHeaderSize);
    init(new RequestDecoder(config), new ResponseEncoder());
  }

  /**
   * Whether a request head has begun to arrive and is not complete yet (the decoder may have
   * consumed its first lines already, so buffered bytes alone do not tell).
   */
  public boolean headInProgress() {
    return ((RequestDecoder) inboundHandler()).guard.inHead();
  }

  private final class RequestDecoder extends HttpRequestDecoder {
    private final HeadGuard guard = new HeadGuard();

    RequestDecoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
        throws Exception {
      if (!guard.refused()) {
        super.decodeLast(ctx, in, out); // a refused connection ends with nothing more decoded
      }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
        throws Exception {
      int from = out.size();
      if (guard.admit(in, out, this::createInvalidMessage)) {
        super.decode(ctx, in, out);
        guard.decoded(in, out, from, head -> MessageFraming.request((HttpRequest) head));
      }
      for (int i = from; i < out.size(); i++) {
        if (out.get(i) instanceof HttpRequest request) {
          unanswered.add(request.method());
        }
      }
    }
  }

  private final class ResponseEncoder extends HttpResponseEncoder {
    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse response) {
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(response); // an interim answer: the final one follows
      }
      return HttpMethod.HEAD.equals(unanswered.poll()) || super.isContentAlwaysEmpty(response);
    }
  }
}
