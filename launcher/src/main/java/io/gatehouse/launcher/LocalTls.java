package io.gatehouse.launcher;

import io.gatehouse.pki.LocalAuthority;
import java.nio.file.Path;
import java.util.List;

/**
 * The local run's keys and certificates, kept in {@code <home>/tls}: a CA (made on first start)
 * that issues each service its certificate for loopback and the CLI its operator certificate, and
 * the key pair se-manager-svc signs engine credentials with. Without TLS ({@code --plaintext}) only
 * the key pair is made.
 */
final class LocalTls {
  private final LocalAuthority authority;
  private final boolean plaintext;

  private LocalTls(LocalAuthority authority, boolean plaintext) {
    this.authority = authority;
    this.plaintext = plaintext;
  }

  static LocalTls in(Path home, boolean plaintext) {
    LocalAuthority authority = LocalAuthority.in(home.resolve("tls"));
    if (!plaintext) {
      authority.issue("operator", List.of("localhost"));
    }
    return new LocalTls(authority, plaintext);
  }

  /** The key pair engine credentials are signed with. */
  LocalAuthority.SigningKeys engineKeys() {
    return authority.signingKeys("engine-credentials");
  }

  /**
   * The TLS arguments of {@code name}, which calls the services but serves no gRPC itself: its
   * certificate (issued for loopback) to show them and the CA to check theirs; or plaintext.
   */
  List<String> clientArgs(String name) {
    if (plaintext) {
      return List.of("--gatehouse.tls.plaintext=true");
    }
    LocalAuthority.Issued issued = authority.issue(name, List.of("localhost", "127.0.0.1"));
    return List.of(
        "--gatehouse.tls.ca=" + authority.caCertificate(),
        "--gatehouse.tls.cert=" + issued.certificate(),
        "--gatehouse.tls.key=" + issued.privateKey());
  }

  /**
   * The TLS arguments of service {@code name}: its certificate, issued for loopback; or plaintext.
   * Server reflection is on, for grpcurl.
   */
  List<String> serviceArgs(String name) {
    if (plaintext) {
      return List.of("--gatehouse.tls.plaintext=true", "--gatehouse.grpc.reflection=true");
    }
    LocalAuthority.Issued issued = authority.issue(name, List.of("localhost", "127.0.0.1"));
    return List.of(
        "--gatehouse.tls.ca=" + authority.caCertificate(),
        "--gatehouse.tls.cert=" + issued.certificate(),
        "--gatehouse.tls.key=" + issued.privateKey(),
        "--gatehouse.grpc.reflection=true");
  }
}
