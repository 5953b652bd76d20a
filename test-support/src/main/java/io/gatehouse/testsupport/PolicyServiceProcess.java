package io.gatehouse.testsupport;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * policy-svc from its jar, on a fresh database of the test PostgreSQL, with the tokens the
 * cross-service tests use: what every test that needs a real policy-svc beside it starts.
 */
public final class PolicyServiceProcess implements AutoCloseable {
  public static final String OPERATOR = "test-operator-token-0001";
  public static final String DISCOVERY = "test-discovery-token-0001";
  public static final String SE_MANAGER = "test-se-manager-token-0001";
  public static final String ANALYTICS = "test-analytics-token-0001";

  private final ServiceJar jar;
  private final int port;

  private PolicyServiceProcess(ServiceJar jar, int port) {
    this.jar = jar;
    this.port = port;
  }

  /** Starts policy-svc and waits until its gRPC port answers. */
  public static PolicyServiceProcess start() {
    return start(List.of());
  }

  /** Starts policy-svc with more arguments (Micronaut properties, e.g. TLS) and waits for it. */
  public static PolicyServiceProcess start(List<String> moreArgs) {
    TestPostgres.Database db = TestPostgres.freshDatabase();
    int port = ServiceJar.freePort();
    List<String> args = new java.util.ArrayList<>();
    args.addAll(
        List.of(
            "--grpc.server.port=" + port,
            "--micronaut.server.port=" + ServiceJar.freePort(),
            "--datasources.default.url=" + db.jdbcUrl(),
            "--datasources.default.username=" + db.user(),
            "--datasources.default.password=" + db.password()));
    args.addAll(moreArgs);
    ServiceJar jar =
        ServiceJar.start(
                "policy-svc",
                args,
                ServiceJar.plaintext(
                    Map.of(
                        "GATEHOUSE_POLICY_AUTH_OPERATOR_TOKENS", OPERATOR,
                        "GATEHOUSE_POLICY_AUTH_DISCOVERY_TOKEN", DISCOVERY,
                        "GATEHOUSE_POLICY_AUTH_SE_MANAGER_TOKEN", SE_MANAGER,
                        "GATEHOUSE_POLICY_AUTH_ANALYTICS_TOKEN", ANALYTICS,
                        "GATEHOUSE_POLICY_SECRETS_KEY",
                            Base64.getEncoder().encodeToString(new byte[32]))))
            .awaitPort(port, Duration.ofSeconds(60));
    return new PolicyServiceProcess(jar, port);
  }

  /** Its gRPC port on loopback. */
  public int port() {
    return port;
  }

  /** Its gRPC address, host:port. */
  public String target() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    jar.close();
  }
}
