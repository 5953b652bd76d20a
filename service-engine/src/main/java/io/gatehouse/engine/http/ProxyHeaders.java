package io.gatehouse.engine.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * The header rewriting of a reverse proxy (RFC 9110 7.6.1): hop-by-hop headers — {@code
 * Connection}, the headers it names, {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE},
 * {@code Trailer}, {@code Upgrade} — describe one connection and are not forwarded; {@code
 * Transfer-Encoding: chunked} stays, since each side re-frames the body with it.
 */
final class ProxyHeaders {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  private static final List<CharSequence> HOP_BY_HOP =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_CONNECTION,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.UPGRADE);

  private ProxyHeaders() {}

  /** Removes the hop-by-hop headers of {@code message}. */
  static void removeHopByHop(HttpMessage message) {
    HttpHeaders headers = message.headers();
    if (headers.isEmpty()) {
      return;
    }
    if (headers.contains(HttpHeaderNames.CONNECTION)) {
      removeNamedBy(headers);
    }
    HOP_BY_HOP.forEach(headers::remove);
  }

  /**
   * Removes the headers that {@code Connection} names as hop-by-hop (RFC 9110 7.6.1), never the
   * framing or {@code Host}: a message whose {@code Connection} names those is refused by its codec
   * before it gets here, and if one got here all the same, its framing would still stand.
   */
  private static void removeNamedBy(HttpHeaders headers) {
    for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : connection.split(",")) {
        String name = token.trim();
        if (!name.isEmpty() && !framing(name)) {
          headers.remove(name);
        }
      }
    }
  }

  private static boolean framing(String name) {
    return HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
        || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
        || HttpHeaderNames.HOST.contentEqualsIgnoreCase(name);
  }

  /**
   * Prepares a client's request for a member: hop-by-hop headers out, {@code X-Forwarded-For} gains
   * the client's address, {@code X-Forwarded-Proto} says how the client came in, and {@code Expect}
   * goes (the engine itself answered {@code 100 Continue}). The upstream connection is kept alive
   * whatever the client asked.
   */
  static void toUpstream(HttpMessage request, String clientAddress, String scheme) {
    String upgrade = upgrade(request);
    removeHopByHop(request);
    if (upgrade != null) {
      keepUpgrade(request, upgrade); // the one hop-by-hop request the member must see
    }
    request.headers().remove(HttpHeaderNames.EXPECT);
    String forwarded = request.headers().get(X_FORWARDED_FOR);
    request
        .headers()
        .set(X_FORWARDED_FOR, forwarded == null ? clientAddress : forwarded + ", " + clientAddress);
    request.headers().set(X_FORWARDED_PROTO, scheme);
  }

  /**
   * The protocol a message asks to switch to ({@code Upgrade} named by {@code Connection}, as a
   * WebSocket handshake does); null when it asks for none.
   */
  static String upgrade(HttpMessage message) {
    String upgrade = message.headers().get(HttpHeaderNames.UPGRADE);
    return upgrade != null
            && message
                .headers()
                .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        ? upgrade
        : null;
  }

  /** Prepares a member's 101 answer for the client: the switch stays, nothing else hop-by-hop. */
  static void toClientUpgraded(HttpMessage response) {
    String upgrade = response.headers().get(HttpHeaderNames.UPGRADE);
    removeHopByHop(response);
    if (upgrade != null) {
      keepUpgrade(response, upgrade);
    }
  }

  private static void keepUpgrade(HttpMessage message, String protocol) {
    message.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    message.headers().set(HttpHeaderNames.UPGRADE, protocol);
  }

  /**
   * Prepares a member's response for the client: hop-by-hop headers out, and the connection kept or
   * closed as the client's request said. Returns whether the client connection stays open: a
   * response whose length only the end of the connection tells ends it. An HTTP/1.0 client does not
   * know chunked (RFC 9112 6.1): its response body ends with the connection instead.
   */
  static boolean toClient(
      HttpMessage response, boolean clientKeepAlive, HttpVersion clientVersion) {
    removeHopByHop(response);
    if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
      response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    }
    boolean framed =
        HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response);
    boolean keepAlive = clientKeepAlive && framed;
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!response.protocolVersion().isKeepAliveDefault()) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return keepAlive;
  }
}
