package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

/**
 * TLS from the engine to a pool's members.
 *
 * @param caCertificatesPem the CA certificates (PEM) members' certificates must chain to
 * @param serverName the name sent by SNI and required in every member's certificate; null: each
 *     member's host name, or its address when it has none
 * @param clientCertificate the name of the certificate presented to members that ask for one; null
 *     for none
 */
public record MemberTlsConfig(
    String caCertificatesPem, String serverName, String clientCertificate) {
  public MemberTlsConfig {
    requireNonNull(caCertificatesPem, "caCertificatesPem");
    serverName = serverName == null || serverName.isEmpty() ? null : serverName;
    clientCertificate =
        clientCertificate == null || clientCertificate.isEmpty() ? null : clientCertificate;
  }
}
