package io.gatehouse.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Static configuration files fuzzed: the file's keys with values of every wrong kind (negative,
 * huge, wrong types, hostile strings), unknown keys and broken YAML. A file either parses into a
 * valid configuration or is refused with {@link InvalidConfigException} naming a field; nothing
 * else escapes (the same parser reads the last-good file an engine restarts from).
 */
class StaticConfigFuzzTest {
  @Provide
  Arbitrary<String> files() {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            Arbitraries.of(
                "0",
                "1",
                "-1",
                "65535",
                "65536",
                "99999999999999999999",
                "1.5",
                "true",
                "null",
                "''",
                "x",
                "10.0.0.1",
                "::1",
                "300.1.1.1",
                "2s",
                "0s",
                "-5s",
                "1h",
                "5x",
                "[]",
                "{}",
                "[1, 2]",
                "HTTP",
                "TCP",
                "UDP",
                "ROUND_ROBIN",
                "CONSISTENT_HASH",
                "DENY",
                "10.0.0.0/8",
                "10.0.0.0/99",
                "'a;touch x'",
                "!!binary aGk="),
            Arbitraries.strings().alpha().ofMaxLength(8));
    Arbitrary<String> listener =
        Combinators.combine(scalar, scalar, scalar, Arbitraries.of("", ", tls: true"))
            .as(
                (a, p, proto, tls) ->
                    "{address: " + a + ", port: " + p + ", protocol: " + proto + tls + "}");
    Arbitrary<String> service =
        Combinators.combine(
                scalar, listener.list().ofMaxSize(2), scalar, Arbitraries.of("", ", bogus: 1"))
            .as(
                (name, listeners, pool, extra) ->
                    "  - {name: "
                        + name
                        + ", listeners: "
                        + listeners
                        + ", pool: "
                        + pool
                        + extra
                        + "}\n");
    Arbitrary<String> endpoint =
        Combinators.combine(scalar, scalar, scalar)
            .as((a, p, w) -> "{address: " + a + ", port: " + p + ", weight: " + w + "}");
    Arbitrary<String> monitor =
        Combinators.combine(scalar, scalar, scalar, scalar)
            .as(
                (t, i, o, r) ->
                    "{type: " + t + ", interval: " + i + ", timeout: " + o + ", rise: " + r + "}");
    Arbitrary<String> pool =
        Combinators.combine(
                scalar,
                scalar,
                scalar,
                endpoint.list().ofMaxSize(3),
                monitor,
                Arbitraries.of("", ", eject_after: -1"))
            .as(
                (name, algorithm, timeout, endpoints, m, extra) ->
                    "  - {name: "
                        + name
                        + ", algorithm: "
                        + algorithm
                        + ", connect_timeout: "
                        + timeout
                        + ", endpoints: "
                        + endpoints
                        + ", health_monitor: "
                        + m
                        + extra
                        + "}\n");
    Arbitrary<String> valid =
        Arbitraries.integers()
            .between(1, 65535)
            .map(
                port ->
                    "virtual_services:\n  - {name: web, listeners: [{address: 127.0.0.1, port: "
                        + port
                        + "}], pool: web}\npools:\n  - {name: web, endpoints: [{address: 10.0.0.5, port: 80}]}\n");
    Arbitrary<String> generated =
        Combinators.combine(service.list().ofMaxSize(2), pool.list().ofMaxSize(2))
            .as(
                (s, p) ->
                    "virtual_services:\n" + String.join("", s) + "pools:\n" + String.join("", p));
    Arbitrary<String> broken =
        Arbitraries.of(
            "{", "virtual_services: [", "- a\n- b", ": :", "\t\tx: 1", "pools: 1", "&a [*a]");
    return Arbitraries.frequencyOf(Tuple.of(6, generated), Tuple.of(2, valid), Tuple.of(1, broken));
  }

  @Property(tries = 2000)
  void aFileIsAValidConfigurationOrRefusedNamingAField(@ForAll("files") String yaml) {
    String outcome;
    try {
      EngineConfig config = StaticConfigFile.parse(yaml);
      assertThat(config.validate()).isEqualTo(config);
      outcome = "valid";
    } catch (InvalidConfigException refused) {
      assertThat(refused.violations()).isNotEmpty();
      refused.violations().forEach(v -> assertThat(v.field()).isNotBlank());
      outcome = "refused";
    }
    Statistics.label("outcome")
        .collect(outcome)
        .coverage(
            coverage -> {
              coverage.check("valid").percentage(p -> p > 5);
              coverage.check("refused").percentage(p -> p > 5);
            });
  }
}
