package io.gatehouse.sim.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One request and the means to answer it. */
public final class HttpExchange {
  static final ObjectMapper JSON = new ObjectMapper();

  private final ChannelHandlerContext ctx;
  private final FullHttpRequest request;
  private final QueryStringDecoder query;
  private final Map<String, String> pathParams;

  HttpExchange(ChannelHandlerContext ctx, FullHttpRequest request, Map<String, String> pathParams) {
    this.ctx = ctx;
    this.request = request;
    this.query = new QueryStringDecoder(request.uri());
    this.pathParams = pathParams;
  }

  public ChannelHandlerContext context() {
    return ctx;
  }

  public String method() {
    return request.method().name();
  }

  public String path() {
    return query.path();
  }

  /** The request target as sent: path and query. */
  public String uri() {
    return request.uri();
  }

  public String header(String name) {
    return request.headers().get(name);
  }

  /** A path parameter captured by the route, e.g. the app id. */
  public String pathParam(String name) {
    return pathParams.get(name);
  }

  /** Every value of a query parameter (e.g. embed=a&embed=b). */
  public List<String> queryParams(String name) {
    return query.parameters().getOrDefault(name, List.of());
  }

  public boolean queryFlag(String name) {
    List<String> values = queryParams(name);
    return !values.isEmpty() && (values.get(0).isEmpty() || values.get(0).equalsIgnoreCase("true"));
  }

  public String body() {
    return request.content().toString(StandardCharsets.UTF_8);
  }

  /** The body as JSON; throws {@link HttpError} 400 in Marathon's shape when it is not JSON. */
  public JsonNode jsonBody() {
    try {
      JsonNode node = JSON.readTree(body());
      if (node == null) {
        throw HttpError.invalidJson("/", "error.expected.jsobject");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw HttpError.invalidJson("/", "error.expected.jsobject");
    }
  }

  /** Answers with a JSON body. */
  public void json(int status, JsonNode body) {
    json(status, body, Map.of());
  }

  /** Answers with a JSON body and extra headers. */
  public void json(int status, JsonNode body, Map<String, String> headers) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    FullHttpResponse response = response(status, bytes, "application/json; qs=2");
    headers.forEach((k, v) -> response.headers().set(k, v));
    send(response);
  }

  /** Answers with no body and the given headers (e.g. a redirect's Location). */
  public void empty(int status, Map<String, String> headers) {
    FullHttpResponse response = response(status, new byte[0], "text/plain");
    headers.forEach((k, v) -> response.headers().set(k, v));
    send(response);
  }

  /** Answers with a text body of the given content type. */
  public void text(int status, String body, String contentType) {
    send(response(status, body.getBytes(StandardCharsets.UTF_8), contentType));
  }

  private FullHttpResponse response(int status, byte[] body, String contentType) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HttpHeaderNames.SERVER, "Jetty(9.4.z) marathon-sim");
    return response;
  }

  /** Sends a complete response, keeping the connection when the client asked to. */
  public void send(FullHttpResponse response) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
