package io.gatehouse.engine.http.framing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of a connection to a pool member. Members are held to the same rules as
 * clients: a response head is scanned before Netty parses it and its framing checked and rewritten
 * after ({@link MessageFraming}); an ambiguous response arrives with a failed decoder result, and
 * nothing after it on the connection is decoded (the connection must be closed). A response to HEAD
 * is read without a body.
 */
public final class MemberCodec
    extends CombinedChannelDuplexHandler<HttpResponseDecoder, HttpRequestEncoder> {
  /** The methods of the requests sent and not answered yet, oldest first. */
  private final ArrayDeque<HttpMethod> unanswered = new ArrayDeque<>();

  /**
   * Heads up to {@code maxLineLength} for the start line and {@code maxHeaderSize} for the rest.
   */
  public MemberCodec(int maxLineLength, int maxHeaderSize) {
    HttpDecoderConfig config = MessageFraming.decoderConfig(maxLineLength, maxHeaderSize);
    init(new ResponseDecoder(config), new RequestEncoder());
  }

  private final class RequestEncoder extends HttpRequestEncoder {
    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out)
        throws Exception {
      if (msg instanceof HttpRequest request) {
        unanswered.add(request.method());
      }
      super.encode(ctx, msg, out);
    }
  }

  private final class ResponseDecoder extends HttpResponseDecoder {
    private final HeadGuard guard = new HeadGuard();

    ResponseDecoder(HttpDecoderConfig config) {
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
        guard.decoded(in, out, from, MessageFraming::response);
      }
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
      if (((HttpResponse) message).status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(message); // an interim answer: the final one follows
      }
      return HttpMethod.HEAD.equals(unanswered.poll()) || super.isContentAlwaysEmpty(message);
    }
  }
}
