package io.gatehouse.discovery.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The Mesos master ({@code gatehouse.discovery.mesos.*}).
 *
 * @param url the master's base URL
 * @param pollInterval how often the agents are read
 */
@ConfigurationProperties("gatehouse.discovery.mesos")
public record MesosConfig(
    @Bindable(defaultValue = "http://127.0.0.1:5050") String url,
    @Bindable(defaultValue = "15s") Duration pollInterval) {}
