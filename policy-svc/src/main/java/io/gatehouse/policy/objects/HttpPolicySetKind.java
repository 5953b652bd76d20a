package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.HeaderAction;
import io.gatehouse.api.policy.v1.HeaderOperation;
import io.gatehouse.api.policy.v1.HttpAction;
import io.gatehouse.api.policy.v1.HttpFixedResponse;
import io.gatehouse.api.policy.v1.HttpPolicySet;
import io.gatehouse.api.policy.v1.HttpRedirect;
import io.gatehouse.api.policy.v1.HttpRewrite;
import io.gatehouse.api.policy.v1.HttpRule;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.common.net.HostNames;
import io.gatehouse.policy.internal.ObjectRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * HTTP policy sets: ordered rules that match requests (host, path, method, headers, cookies, query,
 * client) and rewrite them, change headers, send them to another pool, redirect, answer or deny.
 */
public final class HttpPolicySetKind extends PolicyKind<HttpPolicySet> {
  static final int MAX_RULES = 1024;
  static final int MAX_HEADER_ACTIONS = 32;
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Pattern RULE_NAME = Pattern.compile("[A-Za-z0-9._-]{0,64}");
  private static final Set<Integer> REDIRECTS = Set.of(0, 301, 302, 303, 307, 308);

  public HttpPolicySetKind() {
    super(
        ObjectKind.OBJECT_KIND_HTTP_POLICY_SET,
        "http_policy_set",
        HttpPolicySet.getDefaultInstance());
  }

  @Override
  public void validate(HttpPolicySet set, Violations v) {
    v.require(set.getRulesCount() <= MAX_RULES, "rules", "at most " + MAX_RULES + " rules");
    Set<Integer> indexes = new HashSet<>();
    for (int i = 0; i < set.getRulesCount() && i < MAX_RULES; i++) {
      HttpRule rule = set.getRules(i);
      Violations at = v.in("rules", i);
      at.require(
          indexes.add(rule.getIndex()), "index", "index " + rule.getIndex() + " is used twice");
      at.require(
          RULE_NAME.matcher(rule.getName()).matches(),
          "name",
          "at most 64 letters, digits, \".\", \"-\" and \"_\"");
      HttpMatches.validate(rule.getMatch(), at.in("match"));
      action(rule.getAction(), at.in("action"));
    }
  }

  private static void action(HttpAction action, Violations v) {
    switch (action.getDecisionCase()) {
      case POOL_REF -> {
        v.require(!action.getPoolRef().isEmpty(), "pool_ref", "must name a pool");
        v.reference(action.getPoolRef(), "pool_ref");
      }
      case REDIRECT -> redirect(action.getRedirect(), v.in("redirect"));
      case RESPOND -> respond(action.getRespond(), v.in("respond"));
      case DENY ->
          v.require(
              action.getDeny().getStatus() == 0
                  || (action.getDeny().getStatus() >= 400 && action.getDeny().getStatus() <= 499),
              "deny.status",
              "must be 400 to 499 (0 means 403), not " + action.getDeny().getStatus());
      case DECISION_NOT_SET -> {}
    }
    if (action.hasRewrite()) {
      rewrite(action.getRewrite(), v.in("rewrite"));
    }
    headers(action.getRequestHeadersList(), "request_headers", v);
    headers(action.getResponseHeadersList(), "response_headers", v);
  }

  private static void redirect(HttpRedirect redirect, Violations v) {
    v.require(
        REDIRECTS.contains(redirect.getStatus()),
        "status",
        "must be 301, 302, 303, 307 or 308 (0 means 302), not " + redirect.getStatus());
    v.require(
        redirect.getScheme().isEmpty()
            || redirect.getScheme().equals("http")
            || redirect.getScheme().equals("https"),
        "scheme",
        "must be \"http\", \"https\" or empty, not \"" + printable(redirect.getScheme()) + "\"");
    v.require(
        redirect.getHost().isEmpty() || HostNames.valid(redirect.getHost()),
        "host",
        "\"" + printable(redirect.getHost()) + "\" is not a host name or address");
    v.optionalPort(redirect.getPort(), "port");
    v.require(
        redirect.getPath().isEmpty() || HttpSyntax.path(redirect.getPath()),
        "path",
        "must be a path of at most 1024 characters starting with \"/\", without spaces, \"?\" or"
            + " \"#\"");
  }

  private static void respond(HttpFixedResponse respond, Violations v) {
    v.require(
        respond.getStatus() >= 200 && respond.getStatus() <= 599,
        "status",
        "must be 200 to 599, not " + respond.getStatus());
    v.require(
        respond.getContentType().length() <= 256 && HttpSyntax.fieldValue(respond.getContentType()),
        "content_type",
        "at most 256 characters without CR, LF or NUL");
    v.require(
        respond.getBody().getBytes(StandardCharsets.UTF_8).length <= MAX_BODY_BYTES,
        "body",
        "at most " + MAX_BODY_BYTES + " bytes");
  }

  private static void rewrite(HttpRewrite rewrite, Violations v) {
    String host = rewrite.getHost();
    int colon = host.lastIndexOf(':');
    boolean hostOk =
        host.isEmpty()
            || (colon < 0
                ? HostNames.valid(host)
                : HostNames.valid(host.substring(0, colon))
                    && host.substring(colon + 1).matches("[0-9]{1,5}"));
    v.require(hostOk, "host", "\"" + printable(host) + "\" is not a host name with optional port");
    v.require(
        rewrite.getPath().isEmpty() || HttpSyntax.path(rewrite.getPath()),
        "path",
        "must be a path of at most 1024 characters starting with \"/\", without spaces, \"?\" or"
            + " \"#\"");
    if (rewrite.hasPathPrefix()) {
      v.require(
          rewrite.getPath().isEmpty(), "path_prefix", "is exclusive with path: set one of them");
      v.require(
          HttpSyntax.path(rewrite.getPathPrefix().getFrom()),
          "path_prefix.from",
          "must be a path starting with \"/\"");
      v.require(
          rewrite.getPathPrefix().getTo().isEmpty()
              || HttpSyntax.path(rewrite.getPathPrefix().getTo()),
          "path_prefix.to",
          "must be empty or a path starting with \"/\"");
    }
  }

  private static void headers(List<HeaderAction> actions, String field, Violations v) {
    v.require(
        actions.size() <= MAX_HEADER_ACTIONS,
        field,
        "at most " + MAX_HEADER_ACTIONS + " header actions");
    for (int i = 0; i < actions.size(); i++) {
      HeaderAction action = actions.get(i);
      Violations at = v.in(field, i);
      at.require(
          action.getOperation() == HeaderOperation.HEADER_OPERATION_ADD
              || action.getOperation() == HeaderOperation.HEADER_OPERATION_REPLACE
              || action.getOperation() == HeaderOperation.HEADER_OPERATION_REMOVE,
          "operation",
          "must be HEADER_OPERATION_ADD, _REPLACE or _REMOVE");
      String name = action.getName();
      if (name.isEmpty() || name.length() > 256 || !HttpSyntax.token(name)) {
        at.add("name", "must be a header name of 1 to 256 token characters (RFC 9110)");
      } else {
        at.require(
            HttpSyntax.changeable(name),
            "name",
            name
                + " frames the message or belongs to one connection: no rule may change it"
                + (name.equalsIgnoreCase("host") ? " (rewrite.host changes the host)" : ""));
      }
      if (action.getOperation() == HeaderOperation.HEADER_OPERATION_REMOVE) {
        at.require(action.getValue().isEmpty(), "value", "HEADER_OPERATION_REMOVE takes no value");
      } else {
        at.require(
            action.getValue().length() <= 8192 && HttpSyntax.fieldValue(action.getValue()),
            "value",
            "at most 8192 characters without CR, LF or NUL");
      }
    }
  }

  @Override
  public List<Reference> references(HttpPolicySet set) {
    List<Reference> refs = new ArrayList<>();
    for (int i = 0; i < set.getRulesCount(); i++) {
      HttpAction action = set.getRules(i).getAction();
      if (action.getDecisionCase() == HttpAction.DecisionCase.POOL_REF
          && !action.getPoolRef().isEmpty()) {
        refs.add(
            new Reference(
                "rules[" + i + "].action.pool_ref",
                new ObjectRef(ObjectKind.OBJECT_KIND_POOL, action.getPoolRef())));
      }
    }
    return refs;
  }

  private static String printable(String value) {
    return HostNames.printable(value);
  }
}
