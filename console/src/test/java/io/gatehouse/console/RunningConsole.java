package io.gatehouse.console;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.testsupport.ConsoleClient;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.ServiceJar;
import io.gatehouse.testsupport.TestPostgres;
import io.micronaut.test.support.TestPropertyProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Base of the console's tests: the console in the test JVM (annotate the subclass with {@code
 * MicronautTest}) on HTTPS over loopback, on a fresh database of the shared test PostgreSQL, with
 * its own state folder (and so its own CA); the setup code read from its log as an operator would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RunningConsole implements TestPropertyProvider {
  private static final Pattern CODE = Pattern.compile("setup code ([A-Z0-9-]{24})");
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  protected Path stateDir;
  protected int port;

  protected RunningConsole() {
    log.start();
    ((Logger) LoggerFactory.getLogger("io.gatehouse.console.setup.SetupCode")).addAppender(log);
  }

  @Override
  public Map<String, String> getProperties() {
    try {
      stateDir = Files.createTempDirectory("console-state");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    port = ServiceJar.freePort();
    Map<String, String> properties =
        new HashMap<>(TestPostgres.freshDatabase().micronautProperties());
    properties.put("micronaut.server.ssl.port", String.valueOf(port));
    properties.put("gatehouse.console.state-dir", stateDir.toString());
    properties.put("gatehouse.console.login.max-failures", "3");
    properties.put("gatehouse.console.login.max-failures-per-address", "1000");
    properties.put("gatehouse.tls.plaintext", "true");
    properties.put("gatehouse.console.policy.target", policyTarget());
    properties.put("gatehouse.console.operator-token", PolicyServiceProcess.OPERATOR);
    // nothing answers for the other services: a test of theirs runs against the platform
    for (String service : new String[] {"discovery", "semanager", "analytics"}) {
      properties.put(
          "gatehouse.console." + service + ".target", "127.0.0.1:" + ServiceJar.freePort());
    }
    return properties;
  }

  /** policy-svc's address: nothing answers there unless a test starts one (see PolicyApiIT). */
  protected String policyTarget() {
    return "127.0.0.1:" + ServiceJar.freePort();
  }

  /** The password of the admin {@link #setUpAdmin} makes. */
  protected static final String PASSWORD = "correct horse battery";

  /** Sets the console up with the logged setup code, an admin named root, and logs root in. */
  protected ConsoleClient setUpAdmin() {
    ConsoleClient admin = client();
    ConsoleClient.Answer setup =
        admin.send(
            "POST",
            "/api/v1/setup",
            ConsoleClient.json()
                .put("setup_code", loggedSetupCode())
                .put("name", "root")
                .put("password", PASSWORD));
    org.assertj.core.api.Assertions.assertThat(setup.status()).isEqualTo(201);
    org.assertj.core.api.Assertions.assertThat(admin.login("root", PASSWORD).status())
        .isEqualTo(200);
    return admin;
  }

  /** A client of this console that trusts the CA it made itself. */
  protected ConsoleClient client() {
    return new ConsoleClient(port, stateDir.resolve("tls/ca.pem"));
  }

  /** The setup code the console logged at its start; null when it logged none. */
  protected String loggedSetupCode() {
    for (ILoggingEvent event : log.list) {
      Matcher m = CODE.matcher(event.getFormattedMessage());
      if (m.find()) {
        return m.group(1);
      }
    }
    return null;
  }
}
