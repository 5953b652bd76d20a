package io.gatehouse.analytics;

import io.micronaut.runtime.Micronaut;
import java.util.Arrays;

/**
 * Starts analytics-svc. Settings come from application.yml, environment variables and arguments.
 */
public final class AnalyticsApplication {
  static final String USAGE =
      """
      Usage: java -jar analytics-svc/target/analytics-svc.jar [--key=value ...]

      Gatehouse analytics-svc: stores every service engine's measurements and answers queries.

      Settings (as --key=value, or as environment variables: upper case, '.' and '-' as '_'):
        grpc.server.port                          gRPC port (default 9104)
        micronaut.server.port                     management port: /health, /metrics (default 9194)
        datasources.default.url                   its PostgreSQL (schema "analytics")
        gatehouse.analytics.auth.operator-tokens  operators' bearer tokens (required)
        gatehouse.analytics.auth.engine-tokens    shared tokens of engines run by hand
        gatehouse.analytics.auth.engine-credentials-key
                                                  se-manager-svc's engine-credential public key
                                                  (PEM): engines report with their own credential
        gatehouse.tls.ca, .cert, .key             TLS: the CA, this service's certificate and key
        gatehouse.tls.plaintext                   true: run without TLS
        gatehouse.analytics.ingest.credits        batches an engine may have unacknowledged (default 16)
      """;

  private AnalyticsApplication() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(USAGE);
      return;
    }
    Micronaut.build(args).mainClass(AnalyticsApplication.class).banner(false).start();
  }
}
