package io.gatehouse.engine.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.gatehouse.testsupport.TestCertificates;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManagerFactory;

/**
 * A pool member that speaks HTTPS (the JDK's server, HTTP/1.1 only, no ALPN): it presents {@code
 * certificate}, asks for a client certificate signed by {@code clients} when that is not null, and
 * records the SNI names it was sent and the subjects of the client certificates it was shown.
 */
public final class TlsMember implements AutoCloseable {
  private final HttpsServer server;
  private final List<String> serverNames = new CopyOnWriteArrayList<>();
  private final List<String> clientSubjects = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();

  public TlsMember(TestCertificates.Pem certificate, TestCertificates.Authority clients)
      throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "member",
        privateKey(certificate.privateKey()),
        new char[0],
        chain(certificate.certificate()));
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
    keyManagers.init(keys, new char[0]);
    TrustManagerFactory trust = null;
    if (clients != null) {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("ca", chain(clients.pem().certificate())[0]);
      trust = TrustManagerFactory.getInstance("PKIX");
      trust.init(anchors);
    }
    context.init(
        keyManagers.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters parameters = context.getDefaultSSLParameters();
            parameters.setNeedClientAuth(clients != null);
            parameters.setSNIMatchers(
                List.of(
                    new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                      @Override
                      public boolean matches(SNIServerName name) {
                        serverNames.add(
                            name instanceof SNIHostName host
                                ? host.getAsciiName()
                                : new SNIHostName(name.getEncoded()).getAsciiName());
                        return true;
                      }
                    }));
            params.setSSLParameters(parameters);
          }
        });
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          var session = ((HttpsExchange) exchange).getSSLSession();
          try {
            clientSubjects.add(session.getPeerPrincipal().getName());
          } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
            // no client certificate asked for
          }
          byte[] body = ("tls member " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The SNI host names clients sent, one per handshake that sent one. */
  public List<String> serverNames() {
    return serverNames;
  }

  /** The subjects of the client certificates presented, one per request. */
  public List<String> clientSubjects() {
    return clientSubjects;
  }

  /** Requests that reached the handler (past the handshake). */
  public int requests() {
    return requests.get();
  }

  private static java.security.PrivateKey privateKey(String pem) throws Exception {
    String base64 =
        pem.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    return KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  private static Certificate[] chain(String pem) throws Exception {
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
        .toArray(Certificate[]::new);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
