package io.gatehouse.launcher;

import io.gatehouse.testsupport.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS client for the platform tests that looks at which certificate an engine presents for a
 * server name, and sends requests over a kept connection. It trusts every certificate: what it
 * checks is which one came.
 */
final class TlsClient {
  private TlsClient() {}

  /** The leaf certificate the engine on {@code agent} presents for {@code serverName}. */
  static X509Certificate presented(String agent, int port, String serverName) {
    try (SSLSocket socket = handshake(agent, port, serverName)) {
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    } catch (IOException | GeneralSecurityException notYet) {
      return null;
    }
  }

  /** A TLS connection to {@code agent}'s {@code port} asking for {@code serverName}. */
  static SSLSocket handshake(String agent, int port, String serverName)
      throws IOException, GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        null,
        new TrustManager[] {
          new X509TrustManager() { // the test checks which certificate came, not trust
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(agent, port);
    socket.setSoTimeout(5_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(serverName)));
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  /** Sends a request on an open keep-alive TLS connection; the X-Served-By of its answer. */
  static String servedOver(SSLSocket socket) throws IOException {
    socket
        .getOutputStream()
        .write(
            "GET / HTTP/1.1\r\nHost: shop.example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    var in =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    String servedBy = "";
    int length = 0;
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      String lower = line.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("x-served-by:")) {
        servedBy = line.substring("x-served-by:".length()).strip();
      } else if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).strip());
      }
    }
    in.skip(length); // the body, so that the next answer starts where it should
    return servedBy;
  }

  /** The certificate of {@code pem}. */
  static X509Certificate leaf(TestCertificates.Pem pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new java.io.ByteArrayInputStream(
                    pem.certificate().getBytes(StandardCharsets.US_ASCII)));
  }
}
