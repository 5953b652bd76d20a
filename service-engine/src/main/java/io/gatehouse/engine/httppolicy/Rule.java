package io.gatehouse.engine.httppolicy;

import io.gatehouse.api.policy.v1.HttpMatch;
import io.gatehouse.api.policy.v1.HttpRewrite;
import io.gatehouse.api.policy.v1.HttpRule;
import io.gatehouse.api.policy.v1.NamedMatch;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.security.Cidr;
import java.util.List;
import java.util.function.Function;

/** One compiled rule: its conditions, and what it does to a request that meets them all. */
final class Rule {
  /** A header, cookie or query parameter name and the comparison of its value. */
  record Named(String name, StringMatcher value) {}

  final String name;
  final StringMatcher host;
  final StringMatcher path;
  final String[] methods; // empty: any
  final Named[] headers;
  final Named[] cookies;
  final Named[] queryParams;
  final Cidr[] client; // empty: any
  final boolean clientInverted;
  final Decision decision; // null: none
  final HttpRewrite rewrite; // null: none
  final HeaderEdits requestHeaders;
  final HeaderEdits responseHeaders;

  private Rule(HttpRule rule, Function<String, Pool> pools) {
    HttpMatch match = rule.getMatch();
    this.name = rule.getName();
    this.host = StringMatcher.of(match.getHost(), true);
    this.path = StringMatcher.of(match.getPath(), false);
    this.methods = match.getMethodsList().toArray(String[]::new);
    this.headers = named(match.getHeadersList());
    this.cookies = named(match.getCookiesList());
    this.queryParams = named(match.getQueryParamsList());
    this.client = match.getClient().getCidrsList().stream().map(Cidr::parse).toArray(Cidr[]::new);
    this.clientInverted = match.getClient().getInvert();
    this.decision = Decision.of(rule.getAction(), pools);
    HttpRewrite asked = rule.getAction().hasRewrite() ? rule.getAction().getRewrite() : null;
    this.rewrite =
        asked == null || asked.equals(HttpRewrite.getDefaultInstance()) ? null : checked(asked);
    this.requestHeaders = HeaderEdits.of(rule.getAction().getRequestHeadersList());
    this.responseHeaders = HeaderEdits.of(rule.getAction().getResponseHeadersList());
  }

  /**
   * Compiles {@code rule}, its pool found by {@code pools}.
   *
   * @throws IllegalArgumentException saying what cannot be compiled
   */
  static Rule of(HttpRule rule, Function<String, Pool> pools) {
    return new Rule(rule, pools);
  }

  /** Whether the rule changes the request (its host, path or headers). */
  boolean editsRequest() {
    return rewrite != null || !requestHeaders.isEmpty();
  }

  private static Named[] named(List<NamedMatch> entries) {
    Named[] named = new Named[entries.size()];
    for (int i = 0; i < named.length; i++) {
      NamedMatch entry = entries.get(i);
      if (entry.getName().isEmpty()) {
        throw new IllegalArgumentException("a named match needs a name");
      }
      named[i] = new Named(entry.getName(), StringMatcher.of(entry.getValue(), false));
    }
    return named;
  }

  private static HttpRewrite checked(HttpRewrite rewrite) {
    for (String path :
        List.of(
            rewrite.getPath(),
            rewrite.getPathPrefix().getFrom(),
            rewrite.getPathPrefix().getTo())) {
      for (int i = 0; i < path.length(); i++) {
        char c = path.charAt(i);
        if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#') {
          throw new IllegalArgumentException("a rewritten path may not hold \"" + c + "\"");
        }
      }
    }
    String host = rewrite.getHost();
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || ".-:[]".indexOf(c) >= 0;
      if (!plain) {
        throw new IllegalArgumentException("a rewritten host may not hold \"" + c + "\"");
      }
    }
    return rewrite;
  }
}
