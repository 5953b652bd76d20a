package io.gatehouse.console.tls;

import io.gatehouse.pki.LocalAuthority;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.ssl.ServerSslConfiguration;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTPS certificate: the one configured ({@code gatehouse.console.tls.cert} and
 * {@code .key}, PEM), or else one issued by a local certificate authority kept in the state dir,
 * made at first start and kept (and renewed) after it, so an operator can trust its CA once.
 */
@Singleton
final class ConsoleCertificate implements BeanCreatedEventListener<ServerSslConfiguration> {
  private static final Logger log = LoggerFactory.getLogger(ConsoleCertificate.class);

  private final String cert;
  private final String key;
  private final List<String> names;
  private final Path stateDir;

  ConsoleCertificate(
      @Value("${gatehouse.console.tls.cert:}") String cert,
      @Value("${gatehouse.console.tls.key:}") String key,
      @Value("${gatehouse.console.tls.names:}") List<String> names,
      @Value("${gatehouse.console.state-dir}") String stateDir) {
    this.cert = cert.strip();
    this.key = key.strip();
    this.names = names.stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
    this.stateDir = Path.of(stateDir);
  }

  @Override
  public ServerSslConfiguration onCreated(BeanCreatedEvent<ServerSslConfiguration> event) {
    ServerSslConfiguration ssl = event.getBean();
    if (cert.isEmpty() != key.isEmpty()) {
      throw new ConfigurationException(
          "gatehouse.console.tls.cert and gatehouse.console.tls.key go together: set both or"
              + " neither");
    }
    Path certificate;
    Path privateKey;
    if (!cert.isEmpty()) {
      certificate = Path.of(cert);
      privateKey = Path.of(key);
    } else {
      LocalAuthority authority = LocalAuthority.in(stateDir.resolve("tls"));
      LocalAuthority.Issued issued = authority.issue("console", names());
      certificate = issued.certificate();
      privateKey = issued.privateKey();
      log.info(
          "HTTPS certificate {} issued by the console's own CA {}: trust that CA to reach the"
              + " console without a warning",
          certificate,
          authority.caCertificate());
    }
    ssl.getKeyStore().setCertificatePath("file:" + certificate.toAbsolutePath());
    ssl.getKeyStore().setKeyPath("file:" + privateKey.toAbsolutePath());
    return ssl;
  }

  private List<String> names() {
    if (!names.isEmpty()) {
      return names;
    }
    List<String> defaults = new ArrayList<>(List.of("localhost", "127.0.0.1"));
    try {
      String host = InetAddress.getLocalHost().getHostName();
      if (host.matches("[A-Za-z0-9.-]{1,253}") && !defaults.contains(host)) {
        defaults.add(host);
      }
    } catch (UnknownHostException noName) {
      // localhost and the loopback address it is
    }
    return defaults;
  }
}
