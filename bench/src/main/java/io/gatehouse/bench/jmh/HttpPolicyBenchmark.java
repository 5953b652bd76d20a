package io.gatehouse.bench.jmh;

import io.gatehouse.api.policy.v1.HttpAction;
import io.gatehouse.api.policy.v1.HttpDeny;
import io.gatehouse.api.policy.v1.HttpMatch;
import io.gatehouse.api.policy.v1.HttpRule;
import io.gatehouse.api.policy.v1.MatchOperator;
import io.gatehouse.api.policy.v1.NamedMatch;
import io.gatehouse.api.policy.v1.StringMatch;
import io.gatehouse.engine.httppolicy.Decision;
import io.gatehouse.engine.httppolicy.HttpPolicy;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A request's walk through a virtual service's HTTP rules, with 1, 20 and 200 rules. Every rule
 * matches a host, a path, a method and a cookie, and only the last one matches the request, so
 * every rule is evaluated: the worst case. {@code literal} rules compare exact hosts and path
 * prefixes; {@code regex} rules compare both by RE2 expressions. Run with {@code -prof gc} for the
 * bytes allocated per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpPolicyBenchmark {
  @Param({"1", "20", "200"})
  public int rules;

  @Param({"literal", "regex"})
  public String kind;

  private HttpPolicy policy;
  private HttpRequest request;
  private InetAddress client;

  @Setup
  public void build() throws Exception {
    List<HttpRule> list = new ArrayList<>();
    boolean regex = kind.equals("regex");
    for (int i = 0; i < rules; i++) {
      String host = "h" + i + ".example.com";
      String path = "/p" + i + "/";
      list.add(
          HttpRule.newBuilder()
              .setName("r" + i)
              .setMatch(
                  HttpMatch.newBuilder()
                      .setHost(
                          regex
                              ? match(
                                  MatchOperator.MATCH_OPERATOR_REGEX, "h" + i + "\\.example\\.com")
                              : match(MatchOperator.MATCH_OPERATOR_EXACT, host))
                      .setPath(
                          regex
                              ? match(MatchOperator.MATCH_OPERATOR_REGEX, "/p" + i + "/.*")
                              : match(MatchOperator.MATCH_OPERATOR_PREFIX, path))
                      .addMethods("GET")
                      .addCookies(
                          NamedMatch.newBuilder()
                              .setName("session")
                              .setValue(match(MatchOperator.MATCH_OPERATOR_PRESENT))))
              .setAction(HttpAction.newBuilder().setDeny(HttpDeny.getDefaultInstance()))
              .build());
    }
    policy = HttpPolicy.compile(list, name -> null);
    int last = rules - 1;
    request =
        new DefaultHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, "/p" + last + "/items/42?view=full");
    request.headers().set("host", "h" + last + ".example.com:8080");
    request.headers().set("cookie", "theme=dark; session=abc123");
    request.headers().set("user-agent", "bench");
    client = InetAddress.getByName("10.1.2.3");
  }

  private static StringMatch match(MatchOperator operator, String... values) {
    return StringMatch.newBuilder().setOperator(operator).addAllValues(List.of(values)).build();
  }

  @Benchmark
  public Decision evaluate() {
    return policy.evaluate(request, client, null);
  }
}
