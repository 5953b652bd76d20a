package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HTTP policies through {@code gatehouse up}: an operator's policy set, applied by a Marathon app's
 * avi_proxy label (the platform lets labels name this one set only), enforced by every agent's
 * engine: a denied path, a header that sends requests to another app, a redirect, and headers added
 * to the member's response.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Order(1)
class HttpPolicyEdgeIT {
  /** The set the platform lets labels apply ({@code --label-http-policy-sets}). */
  static final String SET = "edge-rules";

  private static final int PORT = 10194;
  private static final int BETA_PORT = 10118;
  private static final List<String> AGENTS = List.of("127.0.0.2", "127.0.0.3");
  private PlatformCalls calls;

  @BeforeAll
  void platform() {
    calls = new PlatformCalls(RunningPlatform.shared());
  }

  @Test
  void anAppsLabelAppliesTheOperatorsRulesOnEveryEngine() throws Exception {
    calls.post("policybeta", BETA_PORT, "{}");
    String rules =
        """
        httpPolicySet:
          meta: {name: %s}
          rules:
          - index: 10
            name: no-admin
            match: {path: {operator: MATCH_OPERATOR_PREFIX, values: [/admin]}}
            action: {deny: {}}
          - index: 20
            name: moved
            match: {path: {operator: MATCH_OPERATOR_EXACT, values: [/old]}}
            action: {redirect: {status: 301, path: /new}}
          - index: 30
            name: tag
            action:
              responseHeaders: [{operation: HEADER_OPERATION_ADD, name: X-Policy, value: %s}]
          - index: 40
            name: beta
            match:
              headers: [{name: X-Beta, value: {operator: MATCH_OPERATOR_PRESENT}}]
            action: {poolRef: policybeta/%d}
        """
            .formatted(SET, SET, BETA_PORT);
    // the set names the beta app's pool, which exists once discovery has written it
    await()
        .atMost(RunningPlatform.WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> calls.tryApply("rules.yaml", rules).contains("http-policy-set " + SET));
    calls.post(
        "policyapp",
        PORT,
        "{\"http_policies\": [{\"index\": 1, \"http_policy_set_ref\": \"" + SET + "\"}]}");

    for (String agent : AGENTS) {
      await()
          .atMost(RunningPlatform.WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> PlatformCalls.servedBy(agent, PORT, "/", "app").startsWith("task policyapp."));
      String plain = PlatformCalls.get(agent, PORT, "/", "app", "");
      assertThat(PlatformCalls.header(plain, "x-policy")).isEqualTo(SET);
      assertThat(PlatformCalls.status(PlatformCalls.get(agent, PORT, "/admin/users", "app", "")))
          .isEqualTo(403);
      assertThat(PlatformCalls.status(PlatformCalls.get(agent, PORT, "/%61dmin", "app", "")))
          .isEqualTo(403);
      String moved = PlatformCalls.get(agent, PORT, "/old?page=2", "shop.example.com", "");
      assertThat(PlatformCalls.status(moved)).isEqualTo(301);
      assertThat(PlatformCalls.header(moved, "location"))
          .isEqualTo("http://shop.example.com/new?page=2");
      String beta = PlatformCalls.get(agent, PORT, "/", "app", "X-Beta: 1\r\n");
      assertThat(PlatformCalls.header(beta, "x-served-by")).startsWith("task policybeta.");
      assertThat(PlatformCalls.header(beta, "x-policy")).isEqualTo(SET);
    }
  }
}
