package io.gatehouse.engine.httppolicy;

import io.gatehouse.api.policy.v1.HttpRewrite;
import io.gatehouse.api.policy.v1.HttpRule;
import io.gatehouse.engine.listener.RequestTarget;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.security.Cidr;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Function;

/**
 * A virtual service's HTTP rules, compiled once per configuration and read by every request without
 * locks. Rules are evaluated in order against the request as it arrived (its path normalized, see
 * {@link PathNormalizer}); every matching rule's rewrite and header changes apply, in rule order,
 * once evaluation ends; the first matching rule with a {@link Decision} ends it.
 */
public final class HttpPolicy {
  /** No rules: every request goes to the service's pool as it came. */
  public static final HttpPolicy NONE = new HttpPolicy(new Rule[0]);

  /** The indexes of the rules that matched the request in hand, one array per event loop. */
  private static final FastThreadLocal<int[]> MATCHED =
      new FastThreadLocal<>() {
        @Override
        protected int[] initialValue() {
          return new int[64];
        }
      };

  private final Rule[] rules;
  private final boolean editsResponses;

  private HttpPolicy(Rule[] rules) {
    this.rules = rules;
    boolean responses = false;
    for (Rule rule : rules) {
      responses |= !rule.responseHeaders.isEmpty();
    }
    this.editsResponses = responses;
  }

  /**
   * Compiles {@code rules} (already in evaluation order), their pools found by {@code pools}.
   *
   * @throws IllegalArgumentException naming the rule (by position) that cannot be compiled
   */
  public static HttpPolicy compile(List<HttpRule> rules, Function<String, Pool> pools) {
    if (rules.isEmpty()) {
      return NONE;
    }
    Rule[] compiled = new Rule[rules.size()];
    for (int i = 0; i < compiled.length; i++) {
      try {
        compiled[i] = Rule.of(rules.get(i), pools);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "http_rules[" + i + "] (" + rules.get(i).getName() + "): " + e.getMessage(), e);
      }
    }
    return new HttpPolicy(compiled);
  }

  /**
   * Checks that {@code rules} compile (pools aside).
   *
   * @throws IllegalArgumentException naming the rule that does not
   */
  public static void check(List<HttpRule> rules) {
    compile(rules, null);
  }

  public boolean isEmpty() {
    return rules.length == 0;
  }

  /** Whether some rule changes response headers (a request then collects them). */
  public boolean editsResponses() {
    return editsResponses;
  }

  /**
   * Evaluates the rules for {@code request} from {@code client}: normalizes its path, makes the
   * request changes of every matching rule, adds their response changes to {@code responseEdits}
   * (when not null), and returns the decision that ends evaluation, or null when none does.
   */
  public Decision evaluate(
      HttpRequest request, InetAddress client, List<HeaderEdits> responseEdits) {
    if (rules.length == 0) {
      return null;
    }
    RequestView view = RequestView.of(request);
    int[] matched = MATCHED.get();
    if (matched.length < rules.length) {
      matched = new int[rules.length];
      MATCHED.set(matched);
    }
    int n = 0;
    byte[] clientBytes = null;
    Decision decided = null;
    for (int i = 0; i < rules.length; i++) {
      Rule rule = rules[i];
      if (rule.client.length > 0 && clientBytes == null) {
        clientBytes = client.getAddress();
      }
      if (!view.matches(rule, clientBytes)) {
        continue;
      }
      matched[n++] = i;
      if (rule.decision != null) {
        decided = rule.decision;
        break;
      }
    }
    for (int m = 0; m < n; m++) {
      Rule rule = rules[matched[m]];
      if (rule.editsRequest()) {
        edit(request, rule);
      }
      if (responseEdits != null && !rule.responseHeaders.isEmpty()) {
        responseEdits.add(rule.responseHeaders);
      }
    }
    return decided;
  }

  private static void edit(HttpRequest request, Rule rule) {
    HttpRewrite rewrite = rule.rewrite;
    if (rewrite != null) {
      RequestTarget target = RequestTarget.of(request);
      if (!request.uri().startsWith("/") && target.authority() != null) {
        // absolute-form: its authority is the host (RFC 9112, 3.2.2); origin-form from now on
        request.headers().set(HttpHeaderNames.HOST, target.authority());
      }
      String origin = target.originForm();
      int query = origin.indexOf('?');
      String path = query < 0 ? origin : origin.substring(0, query);
      String rest = query < 0 ? "" : origin.substring(query);
      if (!rewrite.getPath().isEmpty()) {
        path = rewrite.getPath();
      } else if (rewrite.hasPathPrefix() && path.startsWith(rewrite.getPathPrefix().getFrom())) {
        String tail = path.substring(rewrite.getPathPrefix().getFrom().length());
        path = rewrite.getPathPrefix().getTo() + tail;
        if (!path.startsWith("/")) {
          path = "/" + path;
        }
      }
      request.setUri(path + rest);
      if (!rewrite.getHost().isEmpty()) {
        request.headers().set(HttpHeaderNames.HOST, rewrite.getHost());
      }
    }
    rule.requestHeaders.apply(request.headers());
  }

  /** Checks {@code address} against ranges. */
  static boolean inAny(Cidr[] ranges, byte[] address) {
    for (Cidr range : ranges) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
