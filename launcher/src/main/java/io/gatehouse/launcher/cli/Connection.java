package io.gatehouse.launcher.cli;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the services are, how to trust them and the token to call them with: the local run's by
 * default (ports of {@code ./gatehouse up}, TLS trusting its CA with its operator certificate, the
 * operator token from its secrets file); options for a deployment: addresses, token, CA, client
 * certificate. Plaintext only with {@code --plaintext}.
 */
public final class Connection {
  @Option(
      names = "--home",
      description =
          "the local run's folder, for its token, CA and operator certificate (default:"
              + " ${DEFAULT-VALUE})")
  Path home = Path.of(".gatehouse");

  @Option(
      names = "--token",
      defaultValue = "${env:GATEHOUSE_TOKEN}",
      description = "operator token (default: $GATEHOUSE_TOKEN, else the local run's)")
  String token;

  @Option(
      names = "--ca-cert",
      paramLabel = "PEM",
      description =
          "trust the certificate authorities in this file (default: the local run's CA when there"
              + " is one, else the system's)")
  Path caCert;

  @Option(
      names = "--client-cert",
      paramLabel = "PEM",
      description =
          "the certificate to show the services, with --client-key (default: the local run's"
              + " operator certificate when its CA is trusted)")
  Path clientCert;

  @Option(names = "--client-key", paramLabel = "PEM", description = "the key of --client-cert")
  Path clientKey;

  @Option(
      names = "--server-name",
      description = "the name the services' certificates are checked against (default: the host)")
  String serverName;

  @Option(
      names = "--plaintext",
      description = "call the services without TLS (only for services run so)")
  boolean plaintext;

  @Option(names = "--policy", description = "policy-svc (default: ${DEFAULT-VALUE})")
  String policy = "127.0.0.1:9101";

  @Option(names = "--discovery", description = "discovery-svc (default: ${DEFAULT-VALUE})")
  String discovery = "127.0.0.1:9102";

  @Option(names = "--se-manager", description = "se-manager-svc (default: ${DEFAULT-VALUE})")
  String seManager = "127.0.0.1:9103";

  @Option(names = "--analytics", description = "analytics-svc (default: ${DEFAULT-VALUE})")
  String analytics = "127.0.0.1:9104";

  @Option(names = "--output", description = "table or json (default: ${DEFAULT-VALUE})")
  Output output = Output.TABLE;

  /** How results are printed. */
  public enum Output {
    TABLE,
    JSON
  }

  /** A channel to {@code target}; the caller shuts it down. */
  ManagedChannel open(String target) {
    // one address, or several replicas' (comma-separated): the channel moves to another replica
    // when its own goes
    ManagedChannelBuilder<?> channel =
        Grpc.newChannelBuilder(io.gatehouse.grpc.targets.GrpcTargets.of(target), credentials());
    if (serverName != null) {
      channel.overrideAuthority(serverName);
    }
    return channel.build();
  }

  private ChannelCredentials credentials() {
    if (plaintext) {
      return InsecureChannelCredentials.create();
    }
    Path localCa = home.resolve("tls").resolve("ca.pem");
    Path trusted = caCert != null ? caCert : Files.isRegularFile(localCa) ? localCa : null;
    Path cert = clientCert;
    Path key = clientKey;
    if (cert == null && key == null && localCa.equals(trusted)) {
      cert = home.resolve("tls").resolve("operator.pem");
      key = home.resolve("tls").resolve("operator.key");
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--client-cert and --client-key go together");
    }
    TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
    try {
      if (trusted != null) {
        tls.trustManager(trusted.toFile());
      }
      if (cert != null) {
        tls.keyManager(cert.toFile(), key.toFile());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the CA or the client certificate: " + e.getMessage());
    }
    return tls.build();
  }

  Channel authorized(ManagedChannel channel) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token());
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private String token() {
    if (token != null) {
      return token;
    }
    Path file = home.resolve("secrets.properties");
    Properties secrets = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      secrets.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "no token: give --token, or run where ./gatehouse up keeps " + file);
    }
    return secrets.getProperty("operator-token");
  }
}
