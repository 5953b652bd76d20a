package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.MemberProtocol;
import io.gatehouse.api.policy.v1.MemberTls;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.common.net.HostNames;
import io.gatehouse.policy.secret.CertificateParser;
import java.nio.charset.StandardCharsets;

/**
 * What a pool's TLS to its members must be: CAs that parse (a bounded bundle), a server name that
 * is a DNS name, a client certificate that is named; and a member protocol that fits (HTTP/2 over
 * TLS needs TLS, h2c is clear text by definition).
 */
final class MemberTlsRules {
  static final int MAX_CA_BYTES = 64 * 1024;
  static final int MAX_CAS = 100;

  private MemberTlsRules() {}

  static void validate(Pool pool, Violations v) {
    MemberProtocol protocol = pool.getMemberProtocol();
    v.require(
        protocol != MemberProtocol.MEMBER_PROTOCOL_H2 || pool.hasMemberTls(),
        "member_protocol",
        "MEMBER_PROTOCOL_H2 is HTTP/2 over TLS: set member_tls (or use MEMBER_PROTOCOL_H2C for"
            + " HTTP/2 in clear)");
    v.require(
        protocol != MemberProtocol.MEMBER_PROTOCOL_H2C || !pool.hasMemberTls(),
        "member_protocol",
        "MEMBER_PROTOCOL_H2C is HTTP/2 in clear: with member_tls use MEMBER_PROTOCOL_H2");
    if (!pool.hasMemberTls()) {
      return;
    }
    MemberTls tls = pool.getMemberTls();
    Violations at = v.in("member_tls");
    String pem = tls.getCaCertificatesPem();
    if (pem.getBytes(StandardCharsets.UTF_8).length > MAX_CA_BYTES) {
      at.add("ca_certificates_pem", "is larger than " + MAX_CA_BYTES / 1024 + " KiB");
    } else if (pem.isBlank()) {
      at.add(
          "ca_certificates_pem",
          "is required: the PEM CA certificates that members' certificates chain to");
    } else {
      try {
        int count = CertificateParser.parseChain(pem).size();
        at.require(
            count <= MAX_CAS,
            "ca_certificates_pem",
            "holds " + count + " certificates; at most " + MAX_CAS);
      } catch (CertificateParser.BadPemException e) {
        at.add("ca_certificates_pem", e.getMessage());
      }
    }
    String name = tls.getServerName();
    at.require(
        name.isEmpty() || (HostNames.domainClaim(name) && !name.startsWith("*.")),
        "server_name",
        "must be a lowercase DNS name such as orders.internal, not \""
            + HostNames.printable(name)
            + "\"");
    at.reference(tls.getClientCertificateRef(), "client_certificate_ref");
  }
}
