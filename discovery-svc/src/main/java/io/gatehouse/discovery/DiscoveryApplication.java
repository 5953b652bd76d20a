package io.gatehouse.discovery;

import io.micronaut.core.cli.CommandLine;
import io.micronaut.runtime.Micronaut;

/**
 * Starts discovery-svc. Settings come from application.yml, environment variables and arguments.
 */
public final class DiscoveryApplication {
  static final String USAGE =
      """
      Usage: java -jar discovery-svc/target/discovery-svc.jar [--key=value ...]

      Gatehouse discovery-svc: follows Marathon and serves its apps, tasks and endpoints over gRPC.

      Settings (as --key=value, or as environment variables: upper case, '.' and '-' as '_'):
        grpc.server.port                                gRPC port (default 9102)
        gatehouse.discovery.marathons.default.url       Marathon's base URL, with any prefix
                                                        (default http://127.0.0.1:8080)
        gatehouse.discovery.marathons.default.credentials   user:password for HTTP Basic auth
        gatehouse.discovery.marathons.default.token     DC/OS token (Authorization: token=...)
        gatehouse.discovery.marathons.<name>.url        more Marathon instances (frameworks)
        gatehouse.discovery.resync-interval             full diffing resync (default 60s)
        gatehouse.discovery.stall-timeout               a silent event stream is dead after (default 60s)
        gatehouse.tls.ca, .cert, .key                   TLS: the CA, this service's certificate and key
        gatehouse.tls.plaintext                         true: run without TLS
      """;

  private DiscoveryApplication() {}

  public static void main(String[] args) {
    CommandLine commandLine = CommandLine.parse(args);
    if (commandLine.optionValue("help") != null || commandLine.optionValue("h") != null) {
      System.out.print(USAGE);
      return;
    }
    Micronaut.build(args).mainClass(DiscoveryApplication.class).banner(false).start();
  }
}
