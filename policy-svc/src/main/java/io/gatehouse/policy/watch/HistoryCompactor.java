package io.gatehouse.policy.watch;

import io.gatehouse.policy.store.ChangeLog;
import io.gatehouse.policy.store.Transactions;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trims the change log to its retention (keeping a minimum number of entries), so history does not
 * grow without bound. Watches older than what remains are told to list again.
 */
@Singleton
final class HistoryCompactor {
  private static final Logger log = LoggerFactory.getLogger(HistoryCompactor.class);

  private final Transactions transactions;
  private final ChangeLog changeLog;
  private final WatchConfig config;
  private final Clock clock;

  HistoryCompactor(
      Transactions transactions, ChangeLog changeLog, WatchConfig config, Clock clock) {
    this.transactions = transactions;
    this.changeLog = changeLog;
    this.config = config;
    this.clock = clock;
  }

  @Scheduled(fixedDelay = "${gatehouse.policy.watch.compaction-interval:1m}", initialDelay = "1m")
  void compact() {
    try {
      long compacted =
          transactions.write(
              c ->
                  changeLog.compact(
                      c, clock.instant().minus(config.historyRetention()), config.historyKeep()));
      log.debug("change log compacted up to revision {}", compacted);
    } catch (RuntimeException e) {
      log.warn("change log compaction failed, will retry: {}", e.getMessage());
    }
  }
}
