package io.gatehouse.common.tls;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;

/**
 * The service's TLS ({@code gatehouse.tls.*}).
 *
 * @param plaintext run the gRPC server and every channel without TLS (must be asked for)
 * @param ca PEM file of the certificate authorities trusted for servers and clients
 * @param cert PEM file of this service's certificate chain, shown as server and as client
 * @param key PEM file of its private key (PKCS#8)
 * @param clientAuth whether callers of this service's gRPC server must show a certificate of the CA
 *     ({@code require}), or may call with their bearer token alone ({@code optional}: the services
 *     engines call, since engines are known by their own credential)
 */
@ConfigurationProperties("gatehouse.tls")
public record TlsConfig(
    @Bindable(defaultValue = "false") boolean plaintext,
    @Nullable Path ca,
    @Nullable Path cert,
    @Nullable Path key,
    @Bindable(defaultValue = "require") String clientAuth) {}
