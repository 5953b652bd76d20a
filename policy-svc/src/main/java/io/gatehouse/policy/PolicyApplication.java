package io.gatehouse.policy;

import io.micronaut.core.cli.CommandLine;
import io.micronaut.runtime.Micronaut;

/** Starts policy-svc. Settings come from application.yml, environment variables and arguments. */
public final class PolicyApplication {
  static final String USAGE =
      """
      Usage: java -jar policy-svc/target/policy-svc.jar [--key=value ...]

      Gatehouse policy-svc: the configuration store (PostgreSQL) with a change stream.

      Settings (as --key=value, or as environment variables: upper case, '.' and '-' as '_'):
        grpc.server.port                        gRPC port (default 9101)
        micronaut.server.port                   management HTTP port: /health, /metrics (default 9191)
        datasources.default.url                 JDBC URL of PostgreSQL
                                                (default jdbc:postgresql://127.0.0.1:5432/gatehouse)
        datasources.default.username            database user (default gatehouse)
        datasources.default.password            database password
        gatehouse.policy.auth.operator-tokens   bearer tokens of operators (comma-separated; required)
        gatehouse.policy.auth.discovery-token   discovery-svc's bearer token
        gatehouse.policy.auth.se-manager-token  se-manager-svc's bearer token
        gatehouse.policy.secrets.key            base64 of 32 bytes encrypting private keys at rest
        gatehouse.policy.secrets.key-file       or a file holding it (required: one of the two)
        gatehouse.policy.watch.history-retention  how long watches can resume (default 24h)
        gatehouse.tls.ca, .cert, .key           TLS: the CA, this service's certificate and key
        gatehouse.tls.plaintext                 true: run without TLS

      Example:
        GATEHOUSE_POLICY_AUTH_OPERATOR_TOKENS=$(openssl rand -hex 16) \\
        GATEHOUSE_POLICY_SECRETS_KEY=$(openssl rand -base64 32) \\
        java -jar policy-svc/target/policy-svc.jar \\
          --datasources.default.url=jdbc:postgresql://127.0.0.1:5432/gatehouse
      """;

  private PolicyApplication() {}

  public static void main(String[] args) {
    CommandLine commandLine = CommandLine.parse(args);
    if (commandLine.optionValue("help") != null || commandLine.optionValue("h") != null) {
      System.out.print(USAGE);
      return;
    }
    Micronaut.build(args).mainClass(PolicyApplication.class).banner(false).start();
  }
}
