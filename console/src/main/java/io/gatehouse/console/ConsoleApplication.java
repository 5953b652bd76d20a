package io.gatehouse.console;

import io.micronaut.core.cli.CommandLine;
import io.micronaut.runtime.Micronaut;

/** Starts the console. Settings come from application.yml, environment variables and arguments. */
public final class ConsoleApplication {
  static final String USAGE =
      """
      Usage: java -jar console/target/console.jar [--key=value ...]

      Gatehouse console: the controller's front door (HTTPS): operator accounts, sessions, API
      tokens, and the services' objects under /api/v1 (policy, apps and nodes, engines and SSH
      keys, analytics); the API's document is /api/openapi.yaml. On a fresh database it logs a
      one-time setup code, the only way to create the first (admin) account.

      Settings (as --key=value, or as environment variables: upper case, '.' and '-' as '_'):
        micronaut.server.ssl.port               HTTPS port (default 9443)
        datasources.default.url                 JDBC URL of PostgreSQL
                                                (default jdbc:postgresql://127.0.0.1:5432/gatehouse)
        datasources.default.username            database user (default gatehouse)
        datasources.default.password            database password
        gatehouse.console.operator-token        an operator token the services accept
                                                (required; by environment:
                                                GATEHOUSE_CONSOLE_OPERATOR_TOKEN)
        gatehouse.console.policy.target         policy-svc's gRPC address (default 127.0.0.1:9101)
        gatehouse.console.discovery.target      discovery-svc's (default 127.0.0.1:9102)
        gatehouse.console.semanager.target      se-manager-svc's (default 127.0.0.1:9103)
        gatehouse.console.analytics.target      analytics-svc's (default 127.0.0.1:9104)
        gatehouse.console.<service>.server-name the name a service's certificate is checked for
                                                (default: the target's host)
        gatehouse.tls.ca, .cert, .key           TLS to the services: the CA, the console's
                                                certificate and key (gatehouse.tls.plaintext=true:
                                                without TLS)
        gatehouse.console.tls.cert, .key        the console's certificate and key (PEM); without
                                                them one is issued by a local CA in the state dir
        gatehouse.console.tls.names             names and addresses that certificate is for
                                                (default localhost,127.0.0.1 and this host's name)
        gatehouse.console.state-dir             where that CA is kept (default ~/.gatehouse/console)
        gatehouse.console.session.idle-timeout  a session ends after this long unused (default 12h)
        gatehouse.console.login.max-failures    failed logins of an account before it is
                                                locked out (default 5)
        gatehouse.console.login.max-failures-per-address  and from an address (default 20)
        gatehouse.console.login.lockout         how long a lock-out lasts (default 15m)
      """;

  private ConsoleApplication() {}

  public static void main(String[] args) {
    CommandLine commandLine = CommandLine.parse(args);
    if (commandLine.optionValue("help") != null || commandLine.optionValue("h") != null) {
      System.out.print(USAGE);
      return;
    }
    Micronaut.build(args).mainClass(ConsoleApplication.class).banner(false).start();
  }
}
