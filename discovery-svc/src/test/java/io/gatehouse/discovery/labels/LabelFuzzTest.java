package io.gatehouse.discovery.labels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.discovery.marathon.AppParser;
import io.gatehouse.discovery.marathon.MarathonApp;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Apps' proxy labels fuzzed: {@code avi_proxy} JSON built from the fields the translator knows,
 * fields it does not, wrong types, hostile values and broken JSON, beside {@code FE-Proxy} and
 * {@code proxy_listener} values. Whatever an app's labels say, translating them never throws: the
 * app gets objects, or errors that each name a label, a code and a message, and then no objects.
 */
class LabelFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ProxyTranslator translator =
      new ProxyTranslator(new ProxySettings(Set.of(80, 8080), 10000, 20000));

  @Provide
  Arbitrary<Map<String, String>> labels() {
    Arbitrary<String> feProxy = Arbitraries.of("", "yes", "YES", "no", "true", "1", "\u0000");
    Arbitrary<String> listener = Arbitraries.of("", "no", "yes", "maybe");
    return Combinators.combine(aviProxy(), feProxy, listener)
        .as(
            (avi, fe, l) -> {
              java.util.Map<String, String> labels = new java.util.HashMap<>();
              if (avi != null) {
                labels.put("avi_proxy", avi);
              }
              if (!fe.isEmpty()) {
                labels.put("FE-Proxy", fe);
              }
              if (!l.isEmpty()) {
                labels.put("proxy_listener", l);
              }
              return labels;
            });
  }

  private static Arbitrary<String> aviProxy() {
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "1",
                "-1",
                "0",
                "65536",
                "99999999999999999999",
                "1.5",
                "true",
                "null",
                "\"\"",
                "\"x\"",
                "\"LB_ALGORITHM_ROUND_ROBIN\"",
                "\"10.0.0.1\"",
                "\"::1\"",
                "[]",
                "{}",
                "[{}]",
                "[{\"port\": 10050}]",
                "[{\"port\": -3, \"enable_ssl\": \"yes\"}]",
                "{\"addr\": \"10.1.1.1\", \"type\": \"V4\"}",
                "{\"enabled\": true}",
                "{\"duration\": 5, \"enabled\": false}",
                "[\"cert\"]",
                "\"a;touch x\""),
            Arbitraries.strings().ofMaxLength(12).map(s -> JSON.valueToTree(s).toString()));
    Arbitrary<String> vsField =
        Arbitraries.of(
            "name",
            "ip_address",
            "auto_allocate_ip",
            "subnet",
            "services",
            "analytics_policy",
            "ssl_key_and_certificate_refs",
            "network_security_policy_ref",
            "se_group_ref",
            "fqdn",
            "description",
            "no_such_field",
            "application_profile_ref");
    Arbitrary<String> poolField =
        Arbitraries.of(
            "name",
            "lb_algorithm",
            "health_monitor_refs",
            "graceful_disable_timeout",
            "autoscale_policy_ref",
            "ab_pool",
            "default_server_port",
            "bogus");
    Arbitrary<String> vs =
        Combinators.combine(vsField, value)
            .as((f, v) -> "\"" + f + "\": " + v)
            .list()
            .ofMaxSize(4)
            .map(fields -> "{" + String.join(", ", fields) + "}");
    Arbitrary<String> pool =
        Combinators.combine(poolField, value)
            .as((f, v) -> "\"" + f + "\": " + v)
            .list()
            .ofMaxSize(3)
            .map(fields -> "{" + String.join(", ", fields) + "}");
    Arbitrary<String> wellFormed =
        Combinators.combine(vs, pool, Arbitraries.of("", ", \"extra\": 1"))
            .as((v, p, extra) -> "{\"virtualservice\": " + v + ", \"pool\": " + p + extra + "}");
    Arbitrary<String> broken =
        Arbitraries.of("{", "[]", "\"text\"", "{\"virtualservice\": [1]}", "null", "", "{}}", "1");
    Arbitrary<String> deep = Arbitraries.integers().between(1, 3000).map(LabelFuzzTest::nested);
    return Arbitraries.frequencyOf(
        Tuple.of(8, wellFormed),
        Tuple.of(2, broken),
        Tuple.of(1, deep),
        Tuple.of(2, Arbitraries.just(null)));
  }

  /** A label nested {@code depth} objects deep: a parser must bound its stack. */
  private static String nested(int depth) {
    return "{\"virtualservice\": " + "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth) + "}";
  }

  @Property(tries = 2000)
  void anyLabelsGiveObjectsOrErrorsNamingTheLabelNeverAnException(
      @ForAll("labels") Map<String, String> labels) throws Exception {
    ObjectNode app =
        (ObjectNode)
            JSON.readTree(
                "{\"id\": \"/fuzz\", \"networks\": [{\"mode\": \"host\"}],"
                    + " \"portDefinitions\": [{\"port\": 10050}]}");
    ObjectNode labelNode = app.putObject("labels");
    labels.forEach(labelNode::put);
    MarathonApp parsed = AppParser.parse(app);

    ProxyTranslator.Result result = translator.translate("default", parsed);

    if (result.ok()) {
      assertThat(result.pools()).isNotEmpty();
    } else {
      assertThat(result.virtualServices()).isEmpty();
      assertThat(result.pools()).isEmpty();
      result
          .errors()
          .forEach(
              error -> {
                assertThat(error.label()).isIn("avi_proxy", "FE-Proxy", "proxy_listener");
                assertThat(error.code()).isNotBlank();
                assertThat(error.message()).isNotBlank();
              });
    }
    Statistics.label("outcome")
        .collect(result.ok() ? "objects" : "errors")
        .coverage(
            coverage -> {
              coverage.check("objects").percentage(p -> p > 10);
              coverage.check("errors").percentage(p -> p > 10);
            });
  }
}
