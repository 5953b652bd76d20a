package io.gatehouse.semanager;

import io.micronaut.runtime.Micronaut;
import java.util.Arrays;

/**
 * Starts se-manager-svc. Settings come from application.yml, environment variables and arguments.
 */
public final class SeManagerApplication {
  static final String USAGE =
      """
      Usage: java -jar se-manager-svc/target/se-manager-svc.jar [--key=value ...]

      Gatehouse se-manager-svc: pushes versioned configuration to every service engine.

      Settings (as --key=value, or as environment variables: upper case, '.' and '-' as '_'):
        grpc.server.port                          gRPC port (default 9103)
        micronaut.server.port                     management port: /health, /metrics (default 9193)
        gatehouse.semanager.auth.operator-tokens  operators' bearer tokens (required)
        gatehouse.semanager.auth.engine-tokens    shared tokens of engines run by hand (any holder
                                                  may say it is any engine)
        gatehouse.semanager.engine-credentials.signing-key, .verification-key
                                                  the EC key pair (PEM) signing each deployed
                                                  engine's own credential (required with the
                                                  lifecycle)
        gatehouse.tls.ca, .cert, .key             TLS: the CA, this service's certificate and key
        gatehouse.tls.plaintext                   true: run without TLS
        gatehouse.semanager.heartbeat-interval    how often engines send heartbeats (default 10s)
        gatehouse.semanager.inventory.event-retention
                                                  how long engine events are kept (default 30d)
      """;

  private SeManagerApplication() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(USAGE);
      return;
    }
    Micronaut.build(args).mainClass(SeManagerApplication.class).banner(false).start();
  }
}
