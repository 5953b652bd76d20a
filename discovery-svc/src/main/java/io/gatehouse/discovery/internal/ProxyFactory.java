package io.gatehouse.discovery.internal;

import io.gatehouse.discovery.labels.ProxySettings;
import io.gatehouse.discovery.labels.ProxyTranslator;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.util.Set;

/** The label translator, from {@link ProxyConfig}. */
@Factory
final class ProxyFactory {
  @Singleton
  ProxyTranslator proxyTranslator(ProxyConfig config) {
    return new ProxyTranslator(
        new ProxySettings(
            Set.copyOf(config.httpContainerPorts()),
            config.servicePortMin(),
            config.servicePortMax()));
  }
}
