package io.gatehouse.engine.httppolicy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Iterator;

/**
 * Where a request's host, path and query lie, found once per request and then read by every rule in
 * place. One per event loop, filled again for each request; its path normalized first.
 */
final class RequestView {
  private static final FastThreadLocal<RequestView> VIEW =
      new FastThreadLocal<>() {
        @Override
        protected RequestView initialValue() {
          return new RequestView();
        }
      };

  private HttpRequest request;
  private String uri;
  private int pathFrom;
  private int pathTo;
  private int queryFrom; // after "?"; pathTo when there is no query
  private String host;
  private int hostFrom;
  private int hostTo;

  /** The view of {@code request}, whose target is normalized first (see {@link PathNormalizer}). */
  static RequestView of(HttpRequest request) {
    return VIEW.get().fill(request);
  }

  private RequestView fill(HttpRequest request) {
    this.request = request;
    locate(request.uri());
    if (uri.startsWith("/") || pathFrom > 0) {
      String normal = PathNormalizer.normalize(uri, pathFrom, pathTo);
      if (normal != null) {
        request.setUri(uri.substring(0, pathFrom) + normal + uri.substring(pathTo));
        locate(request.uri());
      }
    }
    if (pathFrom > 0 && hostTo > hostFrom) {
      host = uri; // absolute-form: the authority in the target is the host (RFC 9112, 3.2.2)
    } else {
      String header = request.headers().get(HttpHeaderNames.HOST);
      host = header == null ? "" : header;
      hostFrom = 0;
      hostTo = host.length();
    }
    stripPort();
    return this;
  }

  private void locate(String target) {
    uri = target;
    pathFrom = 0;
    hostFrom = 0;
    hostTo = 0;
    int scheme = target.indexOf("://");
    if (scheme > 0 && target.charAt(0) != '/') {
      hostFrom = scheme + 3;
      int end = hostFrom;
      while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
        end++;
      }
      hostTo = end;
      pathFrom = end;
    }
    int query = target.indexOf('?', pathFrom);
    pathTo = query < 0 ? target.length() : query;
    queryFrom = query < 0 ? pathTo : query + 1;
  }

  private void stripPort() {
    int at = host.lastIndexOf('@', hostTo - 1);
    if (at >= hostFrom) {
      hostFrom = at + 1;
    }
    if (hostFrom < hostTo && host.charAt(hostFrom) == '[') {
      int close = host.indexOf(']', hostFrom);
      if (close > 0 && close < hostTo) {
        hostTo = close + 1;
      }
      return;
    }
    int colon = host.indexOf(':', hostFrom);
    if (colon >= 0 && colon < hostTo) {
      hostTo = colon;
    }
  }

  /** Whether {@code rule}'s every condition holds; {@code client} is read only when it has any. */
  boolean matches(Rule rule, byte[] client) {
    if (rule.methods.length > 0 && !method(rule.methods)) {
      return false;
    }
    if (!rule.host.matches(host, hostFrom, hostTo)) {
      return false;
    }
    if (!rule.path.matches(uri, pathFrom, pathTo)) {
      return false;
    }
    if (rule.client.length > 0 && HttpPolicy.inAny(rule.client, client) == rule.clientInverted) {
      return false;
    }
    for (Rule.Named header : rule.headers) {
      if (!header(header)) {
        return false;
      }
    }
    for (Rule.Named cookie : rule.cookies) {
      if (!cookie(cookie)) {
        return false;
      }
    }
    for (Rule.Named param : rule.queryParams) {
      if (!queryParam(param)) {
        return false;
      }
    }
    return true;
  }

  private boolean method(String[] methods) {
    String name = request.method().name();
    for (String method : methods) {
      if (method.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Any of the header's values matching counts; an absent header matches only inverted. The first
   * value is read directly; all of them (an iterator) only when it does not match.
   */
  private boolean header(Rule.Named header) {
    HttpHeaders headers = request.headers();
    String first = headers.get(header.name());
    boolean hit = first != null && header.value().test(first, 0, first.length());
    if (first != null && !hit) {
      Iterator<String> values = headers.valueStringIterator(header.name()); // in no set order
      while (!hit && values.hasNext()) {
        String value = values.next();
        hit = header.value().test(value, 0, value.length());
      }
    }
    return hit != header.value().inverted();
  }

  /** The cookie's values in every Cookie header ("a=1; b=2"), read in place. */
  private boolean cookie(Rule.Named cookie) {
    HttpHeaders headers = request.headers();
    String first = headers.get(HttpHeaderNames.COOKIE);
    boolean hit = first != null && pairs(first, 0, -1, ';', cookie);
    if (first != null && !hit) {
      Iterator<String> values = headers.valueStringIterator(HttpHeaderNames.COOKIE);
      while (!hit && values.hasNext()) {
        hit = pairs(values.next(), 0, -1, ';', cookie);
      }
    }
    return hit != cookie.value().inverted();
  }

  private boolean queryParam(Rule.Named param) {
    boolean hit = queryFrom < uri.length() && pairs(uri, queryFrom, uri.length(), '&', param);
    return hit != param.value().inverted();
  }

  /**
   * Whether a "name=value" pair of {@code s[from, to)} (to -1: the end), separated by {@code
   * separator} and optional spaces, has the name and a value that matches.
   */
  private static boolean pairs(String s, int from, int to, char separator, Rule.Named named) {
    int end = to < 0 ? s.length() : to;
    int i = from;
    String name = named.name();
    while (i < end) {
      while (i < end && s.charAt(i) == ' ') {
        i++;
      }
      int next = s.indexOf(separator, i);
      int pairEnd = next < 0 || next > end ? end : next;
      int equals = s.indexOf('=', i);
      int nameEnd = equals < 0 || equals > pairEnd ? pairEnd : equals;
      if (nameEnd - i == name.length() && s.regionMatches(i, name, 0, name.length())) {
        int valueFrom = nameEnd == pairEnd ? pairEnd : nameEnd + 1;
        if (named.value().test(s, valueFrom, pairEnd)) {
          return true;
        }
      }
      i = pairEnd + 1;
    }
    return false;
  }
}
