package io.gatehouse.engine.tls;

import io.netty.handler.ssl.SslContext;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The certificates a TLS listener presents, chosen by the server name the client sends (SNI): an
 * exact name of a certificate, else a wildcard one ("*.example.com" covers one label, as RFC 6125
 * has it), else the default. Immutable: a change builds a new one, which new handshakes use.
 */
public final class ServerCertificates {
  private final Contexts defaultContext;
  private final boolean single;
  private final Map<String, Contexts> exact;
  private final Map<String, Contexts> wildcard; // by the suffix after "*."

  private ServerCertificates(
      Contexts defaultContext,
      boolean single,
      Map<String, Contexts> exact,
      Map<String, Contexts> wildcard) {
    this.defaultContext = defaultContext;
    this.single = single;
    this.exact = exact;
    this.wildcard = wildcard;
  }

  /**
   * A certificate's two contexts: {@code plain} for TCP listeners, which relay bytes and so must
   * not agree to an application protocol, and {@code http} for HTTP listeners, which offers HTTP/2
   * and HTTP/1.1 by ALPN.
   */
  public record Contexts(SslContext plain, SslContext http) {
    /** The one for an HTTP listener, or for a TCP one. */
    public SslContext of(boolean forHttp) {
      return forHttp ? http : plain;
    }
  }

  /** A certificate's contexts and the names it carries. */
  public record Named(Contexts contexts, List<String> serverNames) {}

  /**
   * The certificates in order of precedence: the first is the default, and a name two carry goes to
   * the first; null when there are none.
   */
  public static ServerCertificates of(List<Named> certificates) {
    if (certificates.isEmpty()) {
      return null;
    }
    Map<String, Contexts> exact = new HashMap<>();
    Map<String, Contexts> wildcard = new HashMap<>();
    for (Named certificate : certificates) {
      for (String name : certificate.serverNames()) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("*.")) {
          wildcard.putIfAbsent(lower.substring(2), certificate.contexts());
        } else {
          exact.putIfAbsent(lower, certificate.contexts());
        }
      }
    }
    return new ServerCertificates(
        certificates.get(0).contexts(),
        certificates.size() == 1,
        Map.copyOf(exact),
        Map.copyOf(wildcard));
  }

  /** Whether there is one certificate only, so SNI chooses nothing. */
  public boolean single() {
    return single;
  }

  public Contexts defaultContext() {
    return defaultContext;
  }

  /** The contexts for a client that asked for {@code serverName} (null: it sent none). */
  public Contexts forServerName(String serverName) {
    if (serverName == null) {
      return defaultContext;
    }
    String name = serverName.toLowerCase(Locale.ROOT);
    Contexts found = exact.get(name);
    if (found == null) {
      int dot = name.indexOf('.');
      found = dot < 0 ? null : wildcard.get(name.substring(dot + 1));
    }
    return found != null ? found : defaultContext;
  }
}
