package io.gatehouse.analytics.logs;

import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.ConnectionEnd;
import io.gatehouse.api.analytics.v1.L4Protocol;
import io.gatehouse.api.analytics.v1.RequestTiming;
import io.gatehouse.common.net.HostNames;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes client logs with COPY into {@code client_log}, partitioned by UTC day ({@code
 * client_log_YYYYMMDD}); a partition is created before the first log of its day and dropped whole
 * when it is older than the retention.
 */
@Singleton
public final class LogStore {
  private static final Logger log = LoggerFactory.getLogger(LogStore.class);
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  private static final long PARTITION_LOCK = 0x616e616c_70617274L; // "analpart"
  public static final String COLUMNS =
      "time, virtual_service, pool, endpoint_id, server_address, app_id, client_ip, client_port,"
          + " method, uri_path, uri_query, host, user_agent, status, bytes_in, bytes_out,"
          + " client_rtt_us, server_rtt_us, app_response_us, data_transfer_us, total_us,"
          + " significance, se_id, request_id, member_connect_us, l4_protocol, connection_end";

  /** An enum's number as sent, or 0 (unspecified) for a number the enum does not have. */
  private static int known(boolean unrecognized, int value) {
    return unrecognized ? 0 : value;
  }

  /** How far ahead of this clock an engine's clock may run before its logs are left out. */
  static final Duration MAX_AHEAD = Duration.ofMinutes(5);

  private final DataSource dataSource;
  private final int retentionDays;
  private final Clock clock;
  private final Set<LocalDate> partitions = ConcurrentHashMap.newKeySet();

  @Inject
  public LogStore(
      DataSource dataSource,
      @Value("${gatehouse.analytics.logs.retention-days:7}") int retentionDays) {
    this(dataSource, retentionDays, Clock.systemUTC());
  }

  LogStore(DataSource dataSource, int retentionDays, Clock clock) {
    this.dataSource = dataSource;
    this.retentionDays = retentionDays;
    this.clock = clock;
  }

  /**
   * Copies {@code logs} of engine {@code seId} in the caller's transaction. A log dated before the
   * retention or more than {@link #MAX_AHEAD} in the future is left out (one warning per batch): an
   * engine's report may not make a partition for an arbitrary day, nor store what the next clean-up
   * would drop.
   *
   * @return how many logs were left out
   */
  public int copy(Connection c, String seId, List<ClientLog> logs) throws SQLException {
    if (logs.isEmpty()) {
      return 0;
    }
    Instant now = clock.instant();
    Instant oldest =
        now.atZone(ZoneOffset.UTC)
            .toLocalDate()
            .minusDays(retentionDays)
            .atStartOfDay()
            .toInstant(ZoneOffset.UTC);
    Instant newest = now.plus(MAX_AHEAD);
    int outside = 0;
    Set<LocalDate> days = new TreeSet<>();
    StringBuilder csv = new StringBuilder(logs.size() * 256);
    for (ClientLog l : logs) {
      Instant time = Instant.ofEpochSecond(l.getTime().getSeconds(), l.getTime().getNanos());
      if (time.isBefore(oldest) || time.isAfter(newest)) {
        outside++;
        continue;
      }
      days.add(time.atZone(ZoneOffset.UTC).toLocalDate());
      RequestTiming t = l.getTiming();
      csv.append(time).append(',');
      text(csv, l.getVirtualService());
      text(csv, l.getPool());
      text(csv, l.getEndpointId());
      text(csv, l.getServerAddress());
      text(csv, l.getAppId());
      csv.append(ipOrNull(l.getClientIp())).append(',');
      csv.append(l.getClientPort()).append(',');
      text(csv, l.getMethod());
      text(csv, l.getUriPath());
      text(csv, l.getUriQuery());
      text(csv, l.getHost());
      text(csv, l.getUserAgent());
      csv.append(l.getStatus()).append(',');
      csv.append(l.getBytesIn()).append(',');
      csv.append(l.getBytesOut()).append(',');
      csv.append(micros(t.getClientRtt())).append(',');
      csv.append(micros(t.getServerRtt())).append(',');
      csv.append(micros(t.getAppResponse())).append(',');
      csv.append(micros(t.getDataTransfer())).append(',');
      csv.append(micros(t.getTotal())).append(',');
      csv.append(l.getSignificanceValue()).append(',');
      text(csv, l.getSeId().isEmpty() ? seId : l.getSeId());
      quoted(csv, l.getRequestId());
      csv.append(',').append(micros(t.getMemberConnect())).append(',');
      csv.append(known(l.getL4Protocol() == L4Protocol.UNRECOGNIZED, l.getL4ProtocolValue()));
      csv.append(',');
      csv.append(
          known(l.getConnectionEnd() == ConnectionEnd.UNRECOGNIZED, l.getConnectionEndValue()));
      csv.append('\n');
    }
    if (outside > 0) {
      log.warn(
          "engine {}: {} client logs dated before the last {} days or more than {} ahead; left out",
          HostNames.printable(seId),
          outside,
          retentionDays,
          MAX_AHEAD);
    }
    if (days.isEmpty()) {
      return outside;
    }
    for (LocalDate day : days) {
      ensurePartition(day);
    }
    try {
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "COPY client_log (" + COLUMNS + ") FROM STDIN (FORMAT csv)",
              new StringReader(csv.toString()));
    } catch (IOException e) {
      throw new SQLException("copying client logs: " + e.getMessage(), e);
    }
    return outside;
  }

  /** Creates the partition of {@code day} unless it exists (one creator at a time). */
  public void ensurePartition(LocalDate day) throws SQLException {
    if (partitions.contains(day)) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + PARTITION_LOCK + ")");
        st.execute(
            "CREATE TABLE IF NOT EXISTS client_log_"
                + DAY.format(day)
                + " PARTITION OF client_log FOR VALUES FROM ('"
                + day
                + "') TO ('"
                + day.plusDays(1)
                + "')");
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
    partitions.add(day);
  }

  /** Creates today's and tomorrow's partitions and drops those past the retention. */
  public void maintain(Instant now) throws SQLException {
    LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
    ensurePartition(today);
    ensurePartition(today.plusDays(1));
    LocalDate oldest = today.minusDays(retentionDays);
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT child.relname FROM pg_inherits"
                    + " JOIN pg_class parent ON pg_inherits.inhparent = parent.oid"
                    + " JOIN pg_class child ON pg_inherits.inhrelid = child.oid"
                    + " JOIN pg_namespace n ON parent.relnamespace = n.oid"
                    + " WHERE parent.relname = 'client_log' AND n.nspname = current_schema()")) {
      List<String> names = new java.util.ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      for (String name : names) {
        LocalDate day = LocalDate.parse(name.substring("client_log_".length()), DAY);
        if (day.isBefore(oldest)) {
          try (Statement drop = c.createStatement()) {
            drop.execute("DROP TABLE " + name);
          }
          partitions.remove(day);
          log.info("dropped client logs of {} (retention {} days)", day, retentionDays);
        }
      }
    }
  }

  private static long micros(com.google.protobuf.Duration d) {
    return d.getSeconds() * 1_000_000 + d.getNanos() / 1000;
  }

  /** The address, or empty (NULL) when it is not an IP literal: one bad log fails no batch. */
  private static String ipOrNull(String ip) {
    return IPV4.matcher(ip).matches() || IPV6.matcher(ip).matches() ? ip : "";
  }

  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");
  private static final java.util.regex.Pattern IPV6 =
      java.util.regex.Pattern.compile("[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}");

  private static void text(StringBuilder csv, String value) {
    quoted(csv, value);
    csv.append(',');
  }

  private static void quoted(StringBuilder csv, String value) {
    csv.append('"').append(value.replace("\u0000", "").replace("\"", "\"\"")).append('"');
  }
}
