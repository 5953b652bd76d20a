package io.gatehouse.discovery.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;
import java.util.Map;

/**
 * How apps are proxied by default ({@code gatehouse.discovery.proxy.*}).
 *
 * @param httpContainerPorts container ports whose services are HTTP; others are TCP
 * @param servicePortMin lowest service port proxied east-west
 * @param servicePortMax highest service port proxied east-west
 * @param labelCertificates certificates apps' labels may refer to by name ({@code *}: any); none by
 *     default
 * @param labelSeGroups SE groups apps' labels may place virtual services on ({@code *}: any); none
 *     by default
 * @param labelParents virtual services apps' labels may attach child services to, claiming host
 *     names on their listeners ({@code *}: any); none by default
 * @param labelAbPools pools apps' labels may send a share of their traffic to ({@code
 *     pool.ab_pool}; {@code *}: any); none by default
 * @param labelHttpPolicySets HTTP policy sets apps' labels may apply to their virtual services
 *     ({@code virtualservice.http_policies}; {@code *}: any); none by default
 * @param marathonLbParents marathon-lb group → the virtual service its {@code HAPROXY_n_VHOST} apps
 *     become children of
 * @param marathonLbVips marathon-lb group → the VIP its service ports listen on ({@code internal}
 *     is east-west and needs none)
 */
@ConfigurationProperties("gatehouse.discovery.proxy")
public record ProxyConfig(
    @Bindable(defaultValue = "80,8080") List<Integer> httpContainerPorts,
    @Bindable(defaultValue = "1") int servicePortMin,
    @Bindable(defaultValue = "65535") int servicePortMax,
    @Nullable List<String> labelCertificates,
    @Nullable List<String> labelSeGroups,
    @Nullable List<String> labelParents,
    @Nullable List<String> labelAbPools,
    @Nullable List<String> labelHttpPolicySets,
    @Nullable Map<String, String> marathonLbParents,
    @Nullable Map<String, String> marathonLbVips) {}
