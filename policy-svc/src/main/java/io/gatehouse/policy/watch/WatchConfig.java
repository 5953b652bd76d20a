package io.gatehouse.policy.watch;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * Change stream settings ({@code gatehouse.policy.watch.*}).
 *
 * @param ringCapacity recent changes kept in memory for watchers (the rest are read from the
 *     database)
 * @param pollInterval how often the feed checks the database even without a notification
 * @param progressInterval how often an idle watcher is told the current revision
 * @param batchSize most changes per Watch message
 * @param historyRetention how long the change log keeps entries for resuming watches
 * @param historyKeep entries always kept, however old
 * @param reconnectBackoffMax longest wait between reconnects of the feed's connection
 */
@ConfigurationProperties("gatehouse.policy.watch")
public record WatchConfig(
    @Bindable(defaultValue = "10000") @Min(100) int ringCapacity,
    @Bindable(defaultValue = "5s") Duration pollInterval,
    @Bindable(defaultValue = "10s") Duration progressInterval,
    @Bindable(defaultValue = "100") @Min(1) int batchSize,
    @Bindable(defaultValue = "24h") Duration historyRetention,
    @Bindable(defaultValue = "10000") @Min(1) int historyKeep,
    @Bindable(defaultValue = "5s") Duration reconnectBackoffMax) {}
