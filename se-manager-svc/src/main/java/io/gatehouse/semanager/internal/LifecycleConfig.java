package io.gatehouse.semanager.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The engine lifecycle ({@code gatehouse.semanager.lifecycle.*}): whether this manager deploys
 * engines, and how.
 *
 * @param enabled deploy and reconcile engines (needs discovery-svc for the agents)
 * @param defaultMethod the method of groups that name none: marathon, or local in the embedded run
 * @param interval time between reconcile passes when nothing changes
 * @param startTimeout how long a started engine may take to connect
 * @param lostAfter how long a disconnected engine whose process runs may stay silent
 * @param managerAddress se-manager's gRPC address as engines reach it (default: 127.0.0.1 and this
 *     manager's gRPC port)
 * @param drainTimeout how long an engine being removed may take to finish its open connections (it
 *     takes no new ones) before it is stopped
 * @param engineCa the CA file engines trust the control plane with, as the path on their nodes
 *     ({@code {control_tls}} in engine commands; default: this manager's {@code gatehouse.tls.ca})
 */
@ConfigurationProperties("gatehouse.semanager.lifecycle")
public record LifecycleConfig(
    @Bindable(defaultValue = "false") boolean enabled,
    @Bindable(defaultValue = "marathon") String defaultMethod,
    @Bindable(defaultValue = "5s") Duration interval,
    @Bindable(defaultValue = "60s") Duration startTimeout,
    @Bindable(defaultValue = "15s") Duration lostAfter,
    @Nullable String managerAddress,
    @Bindable(defaultValue = "30s") Duration drainTimeout,
    @Nullable String engineCa) {}
