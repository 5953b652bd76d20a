package io.gatehouse.engine.http;

import io.gatehouse.engine.httppolicy.Decision;
import io.gatehouse.engine.httppolicy.HeaderEdits;
import io.gatehouse.engine.httppolicy.HttpPolicy;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.ratelimit.RateLimiter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * What is decided about a request before any member sees it: a redirect to HTTPS, the rate limits
 * of the client's service, and the service's HTTP rules (a redirect, a response of their own, a
 * denial, or the pool the request goes to and the edits its response gets). Counts the requests it
 * limits and denies.
 */
final class Admission {
  private Admission() {}

  /**
   * Either the request goes on to {@code pool} (null: none) with {@code responseEdits} (null:
   * none), or the engine answers it itself: {@code answer}, which says {@code status}.
   */
  record Outcome(
      Pool pool,
      List<HeaderEdits> responseEdits,
      HttpResponseStatus status,
      FullHttpResponse answer) {
    boolean answered() {
      return answer != null;
    }

    private static Outcome sendTo(Pool pool, List<HeaderEdits> responseEdits) {
      return new Outcome(pool, responseEdits, null, null);
    }

    private static Outcome answer(
        HttpRequest head, HttpResponseStatus status, String reason, String location) {
      return new Outcome(null, null, status, ErrorResponses.answer(head, status, reason, location));
    }
  }

  /**
   * Decides {@code head}, which {@code service} (the connection's, or the child that claims it)
   * serves from {@code pool} unless a rule says otherwise.
   */
  static Outcome decide(
      HttpRequest head, ClientConnection connection, VirtualService service, Pool pool) {
    if (service.redirectToHttps() && !connection.scheme().equals("https")) {
      String location = HttpsRedirect.location(head);
      return location == null // never served in clear
          ? Outcome.answer(
              head, HttpResponseStatus.BAD_REQUEST, "no plain host name to redirect to https", null)
          : Outcome.answer(head, HttpResponseStatus.MOVED_PERMANENTLY, "use " + location, location);
    }
    RateLimiter.Verdict verdict =
        connection.service().rateLimits().request(connection.client()); // a child's: its parent's
    if (verdict != RateLimiter.Verdict.ADMITTED) {
      service
          .stats()
          .limited(
              verdict == RateLimiter.Verdict.CLIENT_RATE
                  ? ServiceStats.RequestLimit.CLIENT_REQUEST_RATE
                  : ServiceStats.RequestLimit.REQUEST_RATE);
      return Outcome.answer(
          head, HttpResponseStatus.TOO_MANY_REQUESTS, "rate limit reached, try again later", null);
    }
    HttpPolicy policy = service.httpPolicy();
    if (policy.isEmpty()) {
      return Outcome.sendTo(pool, null);
    }
    List<HeaderEdits> responseEdits = policy.editsResponses() ? new ArrayList<>(2) : null;
    Decision decision = policy.evaluate(head, connection.client(), responseEdits);
    if (decision == null) {
      return Outcome.sendTo(pool, responseEdits);
    }
    return switch (decision.kind()) {
      case POOL -> Outcome.sendTo(decision.pool().side(connection.client()), responseEdits);
      case REDIRECT -> {
        String location = decision.location(head, connection.scheme());
        yield location == null
            ? Outcome.answer(
                head, HttpResponseStatus.BAD_REQUEST, "no plain host name to redirect to", null)
            : Outcome.answer(head, decision.status(), "moved to " + location, location);
      }
      case RESPOND ->
          new Outcome(
              null,
              null,
              decision.status(),
              ErrorResponses.response(
                  decision.status(), decision.contentType(), decision.body(), null));
      case DENY -> {
        service.stats().policyDenied();
        yield Outcome.answer(head, decision.status(), "denied by policy", null);
      }
    };
  }
}
