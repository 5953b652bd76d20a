package io.gatehouse.common.tls;

import io.gatehouse.grpc.targets.GrpcTargets;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's TLS, read from {@code gatehouse.tls.*} and checked at start: the server's context
 * and the credentials of every channel it opens to another service. Each channel checks the
 * server's certificate against the name its own server-name setting gives, else against the
 * target's host.
 */
@Singleton
public final class GrpcTls {
  private static final Logger log = LoggerFactory.getLogger(GrpcTls.class);

  private final Function<String, Optional<String>> settings;
  private final SslContext server;
  private final ChannelCredentials client;

  @Inject
  public GrpcTls(TlsConfig config, Environment environment) {
    this(config, name -> environment.getProperty(name, String.class));
  }

  private GrpcTls(TlsConfig config, Function<String, Optional<String>> settings) {
    this.settings = settings;
    boolean filesGiven = config.ca() != null || config.cert() != null || config.key() != null;
    if (config.plaintext()) {
      if (filesGiven) {
        throw new ConfigurationException(
            "gatehouse.tls.plaintext=true and gatehouse.tls.ca/cert/key are both set: choose one");
      }
      log.warn(
          "gRPC without TLS (gatehouse.tls.plaintext=true): tokens and keys cross the network in"
              + " clear");
      this.server = null;
      this.client = InsecureChannelCredentials.create();
      return;
    }
    Path ca = readable(config.ca(), "gatehouse.tls.ca");
    Path cert = readable(config.cert(), "gatehouse.tls.cert");
    Path key = readable(config.key(), "gatehouse.tls.key");
    ClientAuth clientAuth =
        switch (config.clientAuth().toLowerCase(Locale.ROOT)) {
          case "require" -> ClientAuth.REQUIRE;
          case "optional" -> ClientAuth.OPTIONAL;
          default ->
              throw new ConfigurationException(
                  "gatehouse.tls.client-auth: \""
                      + config.clientAuth()
                      + "\" is neither require nor optional");
        };
    try {
      this.server =
          GrpcSslContexts.forServer(cert.toFile(), key.toFile())
              .trustManager(ca.toFile())
              .clientAuth(clientAuth)
              .build();
      this.client =
          TlsChannelCredentials.newBuilder()
              .trustManager(ca.toFile())
              .keyManager(cert.toFile(), key.toFile())
              .build();
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigurationException(
          "gatehouse.tls: the CA, certificate or key cannot be used: " + e.getMessage(), e);
    }
  }

  /** Channels without TLS, for tests of what runs in front of them. */
  public static GrpcTls withoutTls() {
    return new GrpcTls(new TlsConfig(true, null, null, null, "require"), name -> Optional.empty());
  }

  /** Whether the service runs without TLS. */
  public boolean isPlaintext() {
    return server == null;
  }

  /** The gRPC server's TLS context; null in plaintext. */
  SslContext serverContext() {
    return server;
  }

  /**
   * A channel to {@code target} (one address, or several replicas' separated by commas: see {@link
   * GrpcTargets}): TLS with this service's certificate, the server's certificate checked against
   * the setting {@code serverNameSetting} when it is set (else against the target's host);
   * plaintext when the service runs so.
   */
  public ManagedChannel channel(String target, String serverNameSetting) {
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(GrpcTargets.of(target), client);
    settings
        .apply(serverNameSetting)
        .filter(name -> !name.isBlank())
        .ifPresent(builder::overrideAuthority);
    return builder.build();
  }

  /**
   * A channel to the one address {@code address} (host:port), the server's certificate checked
   * against {@code serverName}: for one of the addresses a DNS name stands for.
   */
  public ManagedChannel channel(java.net.InetSocketAddress address, String serverName) {
    return NettyChannelBuilder.forAddress(address, client).overrideAuthority(serverName).build();
  }

  private static Path readable(Path file, String setting) {
    if (file == null) {
      throw new ConfigurationException(
          setting
              + " is required: gRPC runs over TLS (gatehouse.tls.ca: the CA to trust,"
              + " gatehouse.tls.cert and gatehouse.tls.key: this service's certificate and PKCS#8"
              + " key, PEM); gatehouse.tls.plaintext=true runs without it");
    }
    if (!Files.isReadable(file)) {
      throw new ConfigurationException(setting + ": " + file + " cannot be read");
    }
    return file;
  }
}
