package io.gatehouse.engine.httppolicy;

import io.gatehouse.api.policy.v1.HttpAction;
import io.gatehouse.api.policy.v1.HttpRedirect;
import io.gatehouse.engine.listener.RequestTarget;
import io.gatehouse.engine.pool.Pool;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Where a rule sends the request it decides: a pool, a redirect, an answer of its own, a refusal.
 */
public final class Decision {
  /** The kinds of decision. */
  public enum Kind {
    /** Serve the request from {@link #pool()}. */
    POOL,
    /** Answer with {@link #status()} and {@link #location}. */
    REDIRECT,
    /** Answer with {@link #status()}, {@link #contentType()} and {@link #body()}. */
    RESPOND,
    /** Refuse with {@link #status()}. */
    DENY
  }

  private final Kind kind;
  private final Pool pool;
  private final HttpResponseStatus status;
  private final HttpRedirect redirect;
  private final String contentType;
  private final byte[] body;

  private Decision(
      Kind kind,
      Pool pool,
      HttpResponseStatus status,
      HttpRedirect redirect,
      String contentType,
      byte[] body) {
    this.kind = kind;
    this.pool = pool;
    this.status = status;
    this.redirect = redirect;
    this.contentType = contentType;
    this.body = body;
  }

  /**
   * The decision of {@code action}; null when it decides nothing. Without {@code pools} (a check
   * only), a pool is not looked up.
   *
   * @throws IllegalArgumentException for a pool that is not in the configuration or a bad status
   */
  static Decision of(HttpAction action, Function<String, Pool> pools) {
    return switch (action.getDecisionCase()) {
      case POOL_REF -> {
        Pool pool = pools == null ? null : pools.apply(action.getPoolRef());
        if (pool == null && pools != null) {
          throw new IllegalArgumentException("no pool named \"" + action.getPoolRef() + "\"");
        }
        yield new Decision(Kind.POOL, pool, null, null, null, null);
      }
      case REDIRECT -> {
        int code = action.getRedirect().getStatus() == 0 ? 302 : action.getRedirect().getStatus();
        if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
          throw new IllegalArgumentException("a redirect's status must be 301-308, not " + code);
        }
        yield new Decision(
            Kind.REDIRECT,
            null,
            HttpResponseStatus.valueOf(code),
            action.getRedirect(),
            null,
            null);
      }
      case RESPOND -> {
        int code = action.getRespond().getStatus();
        if (code < 200 || code > 599) {
          throw new IllegalArgumentException("a response's status must be 200-599, not " + code);
        }
        String type = action.getRespond().getContentType();
        yield new Decision(
            Kind.RESPOND,
            null,
            HttpResponseStatus.valueOf(code),
            null,
            type.isEmpty() ? "text/plain; charset=utf-8" : type,
            action.getRespond().getBody().getBytes(StandardCharsets.UTF_8));
      }
      case DENY -> {
        int code = action.getDeny().getStatus() == 0 ? 403 : action.getDeny().getStatus();
        if (code < 400 || code > 499) {
          throw new IllegalArgumentException("a denial's status must be 400-499, not " + code);
        }
        yield new Decision(Kind.DENY, null, HttpResponseStatus.valueOf(code), null, null, null);
      }
      case DECISION_NOT_SET -> null;
    };
  }

  public Kind kind() {
    return kind;
  }

  /** For {@link Kind#POOL}: the pool. */
  public Pool pool() {
    return pool;
  }

  public HttpResponseStatus status() {
    return status;
  }

  public String contentType() {
    return contentType;
  }

  /** For {@link Kind#RESPOND}: the body (not to be changed). */
  public byte[] body() {
    return body;
  }

  /**
   * For {@link Kind#REDIRECT}: where to, from {@code request} arriving over {@code scheme}; null
   * when the redirect keeps a host the request does not plainly name.
   */
  public String location(HttpRequest request, String scheme) {
    RequestTarget target = RequestTarget.of(request);
    String host = redirect.getHost().isEmpty() ? target.plainHost() : redirect.getHost();
    if (host == null) {
      return null;
    }
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]"; // an IPv6 literal from the rule
    }
    String origin = target.originForm();
    int query = origin.indexOf('?');
    String path =
        redirect.getPath().isEmpty()
            ? (query < 0 ? origin : origin.substring(0, query))
            : redirect.getPath();
    String rest = redirect.getDropQuery() || query < 0 ? "" : origin.substring(query);
    String toScheme = redirect.getScheme().isEmpty() ? scheme : redirect.getScheme();
    String port = redirect.getPort() == 0 ? "" : ":" + redirect.getPort();
    return toScheme + "://" + host + port + path + rest;
  }
}
