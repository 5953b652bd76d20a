package io.gatehouse.discovery.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;

/**
 * How apps are proxied by default ({@code gatehouse.discovery.proxy.*}).
 *
 * @param httpContainerPorts container ports whose services are HTTP; others are TCP
 * @param servicePortMin lowest service port proxied east-west
 * @param servicePortMax highest service port proxied east-west
 */
@ConfigurationProperties("gatehouse.discovery.proxy")
public record ProxyConfig(
    @Bindable(defaultValue = "80,8080") List<Integer> httpContainerPorts,
    @Bindable(defaultValue = "1") int servicePortMin,
    @Bindable(defaultValue = "65535") int servicePortMax) {}
