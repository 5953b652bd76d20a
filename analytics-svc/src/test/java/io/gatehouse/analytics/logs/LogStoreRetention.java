package io.gatehouse.analytics.logs;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.analytics.v1.ClientLog;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;

/** A {@link LogStore} at a set time, for retention tests in other packages. */
public final class LogStoreRetention {
  private LogStoreRetention() {}

  /** Stores one log dated {@code at}, by a store whose clock says it is {@code at}. */
  public static void storeOne(DataSource ds, int retentionDays, Instant at) throws Exception {
    LogStore store = new LogStore(ds, retentionDays, Clock.fixed(at, ZoneOffset.UTC));
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      store.copy(
          c,
          "se-1",
          List.of(
              ClientLog.newBuilder()
                  .setTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()))
                  .setVirtualService("web")
                  .setMethod("GET")
                  .setUriPath("/")
                  .setStatus(200)
                  .build()));
      c.commit();
    }
  }

  /** Housekeeping's pass over the partitions at {@code now}. */
  public static void maintain(DataSource ds, int retentionDays, Instant now) throws Exception {
    new LogStore(ds, retentionDays, Clock.fixed(now, ZoneOffset.UTC)).maintain(now);
  }
}
