package io.gatehouse.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.launcher.InProcessCli;
import io.gatehouse.pki.LocalAuthority;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.ServiceJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy commands as an operator runs them ({@code java -jar launcher.jar ...}) against a real
 * policy-svc that serves gRPC over TLS only: objects written from YAML and JSON files, read back,
 * replaced with optimistic concurrency and deleted; bad files and bad objects refused with the
 * field at fault and nothing written.
 */
class PolicyCommandsIT {
  private static PolicyServiceProcess policy;
  private static Path caCert;

  @TempDir static Path dir;

  /** A CA laid out as `gatehouse up` keeps it in its home: the CLI finds it there unasked. */
  @BeforeAll
  static void startPolicyOverTls() throws Exception {
    LocalAuthority authority = LocalAuthority.in(dir.resolve("tls"));
    LocalAuthority.Issued issued = authority.issue("policy-svc", List.of("localhost"));
    authority.issue("operator", List.of("localhost"));
    caCert = authority.caCertificate();
    policy =
        PolicyServiceProcess.start(
            List.of(
                "--gatehouse.tls.plaintext=false",
                "--gatehouse.tls.ca=" + caCert,
                "--gatehouse.tls.cert=" + issued.certificate(),
                "--gatehouse.tls.key=" + issued.privateKey()));
  }

  @AfterAll
  static void stop() {
    if (policy != null) {
      policy.close();
    }
  }

  @Test
  void objectsFromFilesAreWrittenReadReplacedAndDeleted() throws Exception {
    // the virtual service comes first in the file; its pool is written before it all the same
    Path shop =
        Files.writeString(
            dir.resolve("shop.yaml"),
            """
            virtualService:
              meta: {name: shop}
              vip: {ipAddress: 10.10.0.5}
              services: [{port: 80, protocol: PROTOCOL_HTTP}]
              poolRef: shop
            ---
            pool:
              meta: {name: shop, description: the shop's servers}
              static_servers:
                servers:
                  - {ip_address: 10.0.0.5, port: 8080}
                  - {ip_address: 10.0.0.6, port: 8080}
              lb_algorithm: LB_ALGORITHM_LEAST_CONNECTIONS
            """);

    Result applied = cliProcess("apply", "-f", shop.toString()); // the jar itself, once
    assertThat(applied.code).as(applied.output).isZero();
    assertThat(applied.output)
        .containsSubsequence("pool shop applied at revision", "virtual-service shop applied");

    Result pool = cli("get", "pool", "shop");
    assertThat(pool.output)
        .contains("pool:", "name: shop", "10.0.0.6", "LB_ALGORITHM_LEAST_CONNECTIONS");
    assertThat(cli("get", "virtual-service").output).containsPattern("shop\\s+\\d+\\s+\\S+\\s+api");

    // what `get --output json` prints is a file `update` takes back, at the revision it was read
    Result json = cli("get", "pool", "shop", "--output", "json");
    Path edited =
        Files.writeString(
            dir.resolve("shop-pool.json"), json.output.replace("10.0.0.6", "10.0.0.7"));
    Result updated = cli("update", "-f", edited.toString());
    assertThat(updated.code).as(updated.output).isZero();
    assertThat(cli("get", "pool", "shop").output).contains("10.0.0.7").doesNotContain("10.0.0.6");

    Result stale = cli("update", "-f", edited.toString()); // its revision is no longer current
    assertThat(stale.code).isEqualTo(1);
    assertThat(stale.output).contains("error: ABORTED");

    Result deleted = cli("delete", "-f", shop.toString());
    assertThat(deleted.output)
        .containsSubsequence("virtual-service shop deleted", "pool shop deleted");
    assertThat(cli("get", "pool", "shop").output).contains("error: NOT_FOUND");
  }

  @Test
  void aFileThatDoesNotParseIsRefusedWholeAndAnInvalidObjectNamesItsField() throws Exception {
    Path typo =
        Files.writeString(
            dir.resolve("typo.yaml"),
            """
            pool:
              meta: {name: first}
              staticServers: {servers: [{ipAddress: 10.0.0.5, port: 8080}]}
            ---
            pool:
              meta: {name: second}
              lbAlgoritm: LB_ALGORITHM_ROUND_ROBIN
            """);
    Result refused = cli("apply", "-f", typo.toString());
    assertThat(refused.code).isEqualTo(2);
    assertThat(refused.output).contains("typo.yaml, document 2", "lbAlgoritm");
    assertThat(cli("get", "pool", "first").output).contains("error: NOT_FOUND"); // nothing written

    Path badPort =
        Files.writeString(
            dir.resolve("bad-port.json"),
            """
            [{"pool": {"meta": {"name": "bad"},
                       "staticServers": {"servers": [{"ipAddress": "10.0.0.5", "port": 70000}]}}}]
            """);
    Result invalid = cli("create", "-f", badPort.toString());
    assertThat(invalid.code).isEqualTo(1);
    assertThat(invalid.output)
        .contains("error: INVALID_ARGUMENT", "field pool.static_servers.servers[0].port");

    assertThat(cli("get", "gizmo").output).contains("unknown kind 'gizmo'", "virtual-service");
  }

  @Test
  void withoutTheCertificateAuthorityTheCallFails() throws Exception {
    Result untrusted =
        run(
            List.of(
                "get",
                "pool",
                "--token=" + PolicyServiceProcess.OPERATOR,
                "--home=" + dir.resolve("nothing-here"),
                "--policy=localhost:" + policy.port()));
    assertThat(untrusted.code).isEqualTo(1);
    assertThat(untrusted.output).contains("error: UNAVAILABLE");
  }

  @Test
  void aClientWithoutACertificateOfTheCaOrWithoutTlsIsRefused() throws Exception {
    Result noCertificate =
        run(
            List.of(
                "get",
                "pool",
                "--token=" + PolicyServiceProcess.OPERATOR,
                "--ca-cert=" + caCert,
                "--home=" + dir.resolve("nothing-here"),
                "--policy=localhost:" + policy.port()));
    assertThat(noCertificate.code).isEqualTo(1);
    assertThat(noCertificate.output).contains("error: UNAVAILABLE");

    Result plaintext =
        run(
            List.of(
                "get",
                "pool",
                "--token=" + PolicyServiceProcess.OPERATOR,
                "--plaintext",
                "--policy=localhost:" + policy.port()));
    assertThat(plaintext.code).isEqualTo(1);
    assertThat(plaintext.output).contains("error: UNAVAILABLE");
  }

  private record Result(int code, String output) {}

  /**
   * The CLI with the test policy-svc's address, the home holding its CA and the operator
   * certificate, and the operator token.
   */
  private static Result cli(String... args) {
    return run(withTarget(args));
  }

  /** The CLI as an operator runs it: the jar, a JVM of its own. */
  private static Result cliProcess(String... args) throws Exception {
    return runJar(withTarget(args));
  }

  /** The CLI in this JVM (see InProcessCli). */
  private static Result run(List<String> args) {
    InProcessCli.Result result = InProcessCli.run(args.toArray(String[]::new));
    return new Result(result.code(), result.output());
  }

  private static List<String> withTarget(String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.add("--policy=localhost:" + policy.port());
    line.add("--home=" + dir);
    line.add("--token=" + PolicyServiceProcess.OPERATOR);
    return line;
  }

  private static Result runJar(List<String> args) throws Exception {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    line.add("-jar");
    line.add(ServiceJar.jarOf("launcher").toString());
    line.addAll(args);
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }
}
