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
 * Where the services are and the token to call them with: the local run's by default (ports of
 * {@code ./gatehouse up}, the operator token from its secrets file, plaintext on loopback); options
 * for a deployment: addresses, token, TLS.
 */
public final class Connection {
  @Option(
      names = "--home",
      description = "the local run's folder, for its token (default: ${DEFAULT-VALUE})")
  Path home = Path.of(".gatehouse");

  @Option(
      names = "--token",
      defaultValue = "${env:GATEHOUSE_TOKEN}",
      description = "operator token (default: $GATEHOUSE_TOKEN, else the local run's)")
  String token;

  @Option(
      names = "--tls",
      description = "call the services over TLS, trusting the system's certificate authorities")
  boolean tls;

  @Option(
      names = "--ca-cert",
      paramLabel = "PEM",
      description = "call the services over TLS, trusting the certificate authorities in this file")
  Path caCert;

  @Option(
      names = "--server-name",
      description = "the name the services' certificates are checked against (default: the host)")
  String serverName;

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

  /** A channel to {@code target} carrying the operator token; the caller shuts it down. */
  ManagedChannel open(String target) {
    ChannelCredentials credentials = InsecureChannelCredentials.create();
    if (tls || caCert != null) {
      TlsChannelCredentials.Builder trust = TlsChannelCredentials.newBuilder();
      if (caCert != null) {
        try {
          trust.trustManager(caCert.toFile());
        } catch (IOException e) {
          throw new IllegalArgumentException(
              "cannot read --ca-cert " + caCert + ": " + e.getMessage());
        }
      }
      credentials = trust.build();
    }
    ManagedChannelBuilder<?> channel = Grpc.newChannelBuilder(target, credentials);
    if (serverName != null) {
      channel.overrideAuthority(serverName);
    }
    return channel.build();
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
