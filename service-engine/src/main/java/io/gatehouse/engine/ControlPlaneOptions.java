package io.gatehouse.engine;

import io.gatehouse.engine.config.InvalidConfigException;
import io.gatehouse.engine.internal.ControlPlaneTls;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How the engine reaches the control plane (se-manager-svc and analytics-svc): over TLS, trusting
 * {@code --control-ca}, unless {@code --control-plaintext} asks for none.
 */
final class ControlPlaneOptions {
  @Option(
      names = "--control-ca",
      paramLabel = "PEM",
      description = "the CA that signed se-manager-svc's and analytics-svc's certificates")
  Path ca;

  @Option(
      names = "--control-cert",
      paramLabel = "PEM",
      description = "a client certificate to show them (optional; with --control-key)")
  Path cert;

  @Option(
      names = "--control-key",
      paramLabel = "PEM",
      description = "the PKCS#8 key of --control-cert")
  Path key;

  @Option(
      names = "--control-server-name",
      description = "the name their certificates are checked against (default: the target's host)")
  String serverName;

  @Option(
      names = "--control-plaintext",
      description = "reach them without TLS: the engine token and keys cross the network in clear")
  boolean plaintext;

  @Option(
      names = "--token-env",
      paramLabel = "VARIABLE",
      description =
          "environment variable holding the engine's token at se-manager-svc (default: ${DEFAULT-VALUE})")
  String tokenEnv = "GATEHOUSE_SE_TOKEN";

  /** The channels' security; refuses, naming the option, what cannot be used. */
  ControlPlaneTls tls() throws InvalidConfigException {
    if (plaintext) {
      if (ca != null || cert != null || key != null) {
        throw invalid(
            "--control-plaintext", "excludes --control-ca, --control-cert, --control-key");
      }
      return ControlPlaneTls.plaintext();
    }
    if (ca == null) {
      throw invalid(
          "--control-ca",
          "is required with --control or --analytics (the CA of the services' certificates);"
              + " --control-plaintext runs without TLS");
    }
    if ((cert == null) != (key == null)) {
      throw invalid(cert == null ? "--control-cert" : "--control-key", "goes with the other");
    }
    try {
      TlsChannelCredentials.Builder credentials =
          TlsChannelCredentials.newBuilder().trustManager(readable(ca, "--control-ca").toFile());
      if (cert != null) {
        credentials.keyManager(
            readable(cert, "--control-cert").toFile(), readable(key, "--control-key").toFile());
      }
      return new ControlPlaneTls(credentials.build(), serverName);
    } catch (IOException | IllegalArgumentException e) {
      throw invalid("--control-ca", "the CA, certificate or key cannot be used: " + e.getMessage());
    }
  }

  /** The engine's token, from its environment variable; null when unset. */
  String token() {
    return System.getenv(tokenEnv);
  }

  private static Path readable(Path file, String option) throws InvalidConfigException {
    if (!Files.isReadable(file)) {
      throw invalid(option, file + " cannot be read");
    }
    return file;
  }

  private static InvalidConfigException invalid(String field, String description) {
    return new InvalidConfigException(
        List.of(new InvalidConfigException.Violation(field, description)));
  }
}
