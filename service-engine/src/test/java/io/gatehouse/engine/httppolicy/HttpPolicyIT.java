package io.gatehouse.engine.httppolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.policy.v1.AddressMatch;
import io.gatehouse.api.policy.v1.HeaderAction;
import io.gatehouse.api.policy.v1.HeaderOperation;
import io.gatehouse.api.policy.v1.HttpAction;
import io.gatehouse.api.policy.v1.HttpDeny;
import io.gatehouse.api.policy.v1.HttpFixedResponse;
import io.gatehouse.api.policy.v1.HttpMatch;
import io.gatehouse.api.policy.v1.HttpRedirect;
import io.gatehouse.api.policy.v1.HttpRewrite;
import io.gatehouse.api.policy.v1.HttpRule;
import io.gatehouse.api.policy.v1.MatchOperator;
import io.gatehouse.api.policy.v1.NamedMatch;
import io.gatehouse.api.policy.v1.PathPrefixRewrite;
import io.gatehouse.api.policy.v1.StringMatch;
import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.ClientLogPolicy;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.InvalidConfigException;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.RateLimitConfig;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RawHttpClient;
import io.gatehouse.engine.testing.RecordingMember;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A virtual service's HTTP rules over real sockets: each action, and the hostile requests. */
@ExtendWith(LeakCheck.class)
class HttpPolicyIT {
  private final ServiceEngine engine = RunningEngine.start();
  private final int port = RunningEngine.freePort();
  private final RecordingMember member;
  private final TestBackend beta = TestBackend.start("beta");

  HttpPolicyIT() throws Exception {
    member = new RecordingMember();
  }

  @AfterEach
  void stop() throws Exception {
    engine.close();
    member.close();
    beta.close();
  }

  private void serve(HttpRule... rules) {
    engine.apply(config(rules));
  }

  private EngineConfig config(HttpRule... rules) {
    return EngineConfig.of(
        List.of(
            new VirtualServiceConfig(
                "web",
                List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)),
                "web",
                null,
                List.of(),
                ClientLogPolicy.SIGNIFICANT,
                null,
                RateLimitConfig.NONE,
                false,
                List.of(rules))),
        List.of(
            RunningEngine.pool("web", LbAlgorithm.ROUND_ROBIN, member.port()),
            RunningEngine.pool("beta", LbAlgorithm.ROUND_ROBIN, beta.port())));
  }

  private RawHttpClient.Answer get(String raw) throws Exception {
    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send(raw);
      return client.next();
    }
  }

  @Test
  void theFirstDecidingRuleWinsAndEveryMatchingRuleEditsTheRequest() throws Exception {
    serve(
        rule(
            "tag",
            HttpMatch.getDefaultInstance(),
            HttpAction.newBuilder()
                .addRequestHeaders(header(HeaderOperation.HEADER_OPERATION_ADD, "X-Edge", "1"))
                .addRequestHeaders(
                    header(HeaderOperation.HEADER_OPERATION_REMOVE, "X-Internal", ""))
                .addResponseHeaders(
                    header(HeaderOperation.HEADER_OPERATION_REPLACE, "Server", "gatehouse"))),
        rule(
            "beta",
            HttpMatch.newBuilder()
                .setPath(match(MatchOperator.MATCH_OPERATOR_PREFIX, "/hello"))
                .addCookies(named("beta", match(MatchOperator.MATCH_OPERATOR_EXACT, "yes")))
                .build(),
            HttpAction.newBuilder().setPoolRef("beta")),
        rule(
            "never",
            HttpMatch.getDefaultInstance(),
            HttpAction.newBuilder().setDeny(HttpDeny.getDefaultInstance())));

    RawHttpClient.Answer toBeta =
        get("GET /hello HTTP/1.1\r\nHost: web\r\nCookie: a=1; beta=yes\r\n\r\n");
    assertThat(toBeta.body()).isEqualTo("hello from beta");
    assertThat(toBeta.headers()).containsEntry("server", "gatehouse");

    RawHttpClient.Answer denied =
        get("GET /hello HTTP/1.1\r\nHost: web\r\nX-Internal: yes\r\nCookie: beta=no\r\n\r\n");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(member.requests()).isEmpty();
    assertThat(engine.services().get("web").stats().policyDeniedRequests()).isEqualTo(1);
  }

  @Test
  void editsReachTheMemberAndFramingHeadersCannotBeTouched() throws Exception {
    serve(
        rule(
            "api",
            HttpMatch.newBuilder()
                .setPath(match(MatchOperator.MATCH_OPERATOR_PREFIX, "/api/"))
                .addMethods("GET")
                .build(),
            HttpAction.newBuilder()
                .setRewrite(
                    HttpRewrite.newBuilder()
                        .setHost("internal.example")
                        .setPathPrefix(PathPrefixRewrite.newBuilder().setFrom("/api").setTo("/v2")))
                .addRequestHeaders(
                    header(HeaderOperation.HEADER_OPERATION_REPLACE, "X-Api", "v2"))));

    assertThat(get("GET /api/items?id=7 HTTP/1.1\r\nHost: web\r\nX-Api: old\r\n\r\n").status())
        .isEqualTo(200);
    String seen = member.requests().get(0);
    assertThat(seen).startsWith("GET /v2/items?id=7 HTTP/1.1\r\n");
    assertThat(seen).containsIgnoringCase("host: internal.example\r\n");
    assertThat(seen).containsIgnoringCase("x-api: v2\r\n").doesNotContain("old");

    assertThatThrownBy(
            () ->
                engine.apply(
                    config(
                        rule(
                            "smuggle",
                            HttpMatch.getDefaultInstance(),
                            HttpAction.newBuilder()
                                .addRequestHeaders(
                                    header(
                                        HeaderOperation.HEADER_OPERATION_ADD,
                                        "Transfer-Encoding",
                                        "chunked"))))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("http_rules");
  }

  @Test
  void aRuleOnAPathSeesThroughEncodingAndDotSegments() throws Exception {
    serve(
        rule(
            "admin",
            HttpMatch.newBuilder()
                .setPath(match(MatchOperator.MATCH_OPERATOR_PREFIX, "/admin"))
                .build(),
            HttpAction.newBuilder().setDeny(HttpDeny.getDefaultInstance())));

    for (String path :
        List.of("/admin", "/%61dmin/x", "/public/../admin", "/./admin", "/%2e%2e/admin")) {
      assertThat(get("GET " + path + " HTTP/1.1\r\nHost: web\r\n\r\n").status())
          .as(path)
          .isEqualTo(403);
    }
    assertThat(get("GET /public/%2Fadmin HTTP/1.1\r\nHost: web\r\n\r\n").status()).isEqualTo(200);
    assertThat(member.requests().get(0)).startsWith("GET /public/%2Fadmin HTTP/1.1");
  }

  @Test
  void redirectsFixedResponsesAndClientRanges() throws Exception {
    serve(
        rule(
            "outsiders",
            HttpMatch.newBuilder()
                .setClient(AddressMatch.newBuilder().addCidrs("127.0.0.0/8").setInvert(true))
                .build(),
            HttpAction.newBuilder().setDeny(HttpDeny.getDefaultInstance())),
        rule(
            "moved",
            HttpMatch.newBuilder()
                .setHost(match(MatchOperator.MATCH_OPERATOR_SUFFIX, ".old.example"))
                .build(),
            HttpAction.newBuilder()
                .setRedirect(
                    HttpRedirect.newBuilder()
                        .setStatus(301)
                        .setScheme("https")
                        .setHost("new.example"))),
        rule(
            "maintenance",
            HttpMatch.newBuilder()
                .addQueryParams(named("down", match(MatchOperator.MATCH_OPERATOR_REGEX, "y(es)?")))
                .build(),
            HttpAction.newBuilder()
                .setRespond(
                    HttpFixedResponse.newBuilder()
                        .setStatus(503)
                        .setContentType("application/json")
                        .setBody("{\"down\":true}"))));

    RawHttpClient.Answer moved = get("GET /a?b=1 HTTP/1.1\r\nHost: Shop.OLD.example:8080\r\n\r\n");
    assertThat(moved.status()).isEqualTo(301);
    assertThat(moved.headers()).containsEntry("location", "https://new.example/a?b=1");

    RawHttpClient.Answer down = get("GET /?x=1&down=yes HTTP/1.1\r\nHost: web\r\n\r\n");
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.headers()).containsEntry("content-type", "application/json");
    assertThat(down.body()).isEqualTo("{\"down\":true}");

    assertThat(get("GET /?down=yess HTTP/1.1\r\nHost: web\r\n\r\n").status()).isEqualTo(200);
  }

  @Test
  void aHeaderRuleLooksAtEveryValueOfTheHeader() throws Exception {
    serve(
        rule(
            "no-admin-role",
            HttpMatch.newBuilder()
                .addHeaders(named("X-Role", match(MatchOperator.MATCH_OPERATOR_EXACT, "admin")))
                .build(),
            HttpAction.newBuilder().setDeny(HttpDeny.newBuilder().setStatus(401))));

    assertThat(get("GET / HTTP/1.1\r\nHost: web\r\nX-Role: user\r\nX-Role: admin\r\n\r\n").status())
        .isEqualTo(401);
    assertThat(get("GET / HTTP/1.1\r\nHost: web\r\nX-Role: user\r\n\r\n").status()).isEqualTo(200);
  }

  static HttpRule rule(String name, HttpMatch match, HttpAction.Builder action) {
    return HttpRule.newBuilder().setName(name).setMatch(match).setAction(action).build();
  }

  static StringMatch match(MatchOperator operator, String... values) {
    return StringMatch.newBuilder().setOperator(operator).addAllValues(List.of(values)).build();
  }

  static NamedMatch named(String name, StringMatch value) {
    return NamedMatch.newBuilder().setName(name).setValue(value).build();
  }

  static HeaderAction header(HeaderOperation operation, String name, String value) {
    return HeaderAction.newBuilder().setOperation(operation).setName(name).setValue(value).build();
  }
}
