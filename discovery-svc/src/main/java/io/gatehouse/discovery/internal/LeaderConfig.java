package io.gatehouse.discovery.internal;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Where discovery-svc replicas elect the one that writes policy ({@code
 * gatehouse.discovery.leader.*}). Without a database this replica is the only writer: run one.
 *
 * @param jdbcUrl the PostgreSQL database the replicas share (any: only an advisory lock is used)
 * @param username database user
 * @param password database password
 * @param interval how often a follower tries to lead and a leader checks its connection
 */
@ConfigurationProperties("gatehouse.discovery.leader")
public record LeaderConfig(
    @Nullable String jdbcUrl,
    @Nullable String username,
    @Nullable String password,
    @Bindable(defaultValue = "2s") Duration interval) {}
