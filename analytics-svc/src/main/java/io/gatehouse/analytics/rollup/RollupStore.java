package io.gatehouse.analytics.rollup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes rollup rows. Every method runs on a connection the caller's transaction owns.
 */
public final class RollupStore {
  /** A rollup row's identity. */
  public record Key(Level level, Subject subject, Instant bucket) {}

  /** A stored row: its bucket and figures. */
  public record Row(Instant bucket, RollupRow figures) {}

  private static final String FIGURES =
      "virtual_service, app_id, address, requests, responses_1xx, responses_2xx, responses_3xx,"
          + " responses_4xx, responses_5xx, connect_errors, bytes_in, bytes_out,"
          + " connections_opened, connections_closed, connection_seconds, healthy_members,"
          + " connections_denied, rate_limited, client_rtt, server_rtt, app_response, data_transfer, total, member_connect";

  private RollupStore() {}

  /** Adds {@code deltas} to the stored rows (created where missing), merging histograms. */
  public static void add(Connection c, Map<Key, RollupRow> deltas) throws SQLException {
    if (deltas.isEmpty()) {
      return;
    }
    Map<Key, RollupRow> merged = new HashMap<>(deltas);
    int n = deltas.size();
    Integer[] levels = new Integer[n];
    String[] kinds = new String[n];
    String[] subjects = new String[n];
    Timestamp[] buckets = new Timestamp[n];
    int i = 0;
    for (Key key : deltas.keySet()) {
      levels[i] = key.level().seconds();
      kinds[i] = String.valueOf(key.subject().kind());
      subjects[i] = key.subject().name();
      buckets[i] = Timestamp.from(key.bucket());
      i++;
    }
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT r.level, r.kind, r.subject, r.bucket, "
                + prefixed("r.")
                + " FROM rollup r JOIN unnest(?::int[], ?::text[], ?::text[], ?::timestamptz[])"
                + " AS k(level, kind, subject, bucket)"
                + " ON r.level = k.level AND r.kind = k.kind AND r.subject = k.subject"
                + " AND r.bucket = k.bucket FOR UPDATE OF r")) {
      st.setArray(1, c.createArrayOf("int4", levels));
      st.setArray(2, c.createArrayOf("text", kinds));
      st.setArray(3, c.createArrayOf("text", subjects));
      st.setArray(4, c.createArrayOf("timestamptz", buckets));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Key key =
              new Key(
                  levelOf(rs.getInt(1)),
                  new Subject(rs.getString(2).charAt(0), rs.getString(3)),
                  rs.getTimestamp(4).toInstant());
          RollupRow stored = read(rs, 5);
          stored.add(merged.get(key));
          merged.put(key, stored);
        }
      }
    }
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO rollup (level, kind, subject, bucket, "
                + FIGURES
                + ") VALUES ("
                + "?, ".repeat(4 + FIGURES.split(", ").length - 1)
                + "?)"
                + " ON CONFLICT (level, kind, subject, bucket) DO UPDATE SET "
                + updates())) {
      for (Map.Entry<Key, RollupRow> e : merged.entrySet()) {
        Key key = e.getKey();
        RollupRow r = e.getValue();
        int p = 1;
        st.setInt(p++, key.level().seconds());
        st.setString(p++, String.valueOf(key.subject().kind()));
        st.setString(p++, key.subject().name());
        st.setTimestamp(p++, Timestamp.from(key.bucket()));
        st.setString(p++, r.virtualService);
        st.setString(p++, r.appId);
        st.setString(p++, r.address);
        st.setLong(p++, r.requests);
        st.setLong(p++, r.responses1xx);
        st.setLong(p++, r.responses2xx);
        st.setLong(p++, r.responses3xx);
        st.setLong(p++, r.responses4xx);
        st.setLong(p++, r.responses5xx);
        st.setLong(p++, r.connectErrors);
        st.setLong(p++, r.bytesIn);
        st.setLong(p++, r.bytesOut);
        st.setLong(p++, r.connectionsOpened);
        st.setLong(p++, r.connectionsClosed);
        st.setDouble(p++, r.connectionSeconds);
        if (r.healthyMembers == null) {
          st.setNull(p++, Types.INTEGER);
        } else {
          st.setInt(p++, r.healthyMembers);
        }
        st.setLong(p++, r.connectionsDenied);
        st.setLong(p++, r.rateLimited);
        for (int t = 0; t < RollupRow.TIMINGS.length; t++) {
          st.setBytes(p++, r.encoded(t));
        }
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  /** The rows of {@code subject} at {@code level} with buckets in [from, to), in time order. */
  public static List<Row> rows(
      Connection c, Level level, Subject subject, Instant from, Instant to, boolean histograms)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT bucket, "
                + (histograms ? FIGURES : FIGURES.substring(0, FIGURES.indexOf(", client_rtt")))
                + " FROM rollup WHERE level = ? AND kind = ? AND subject = ?"
                + " AND bucket >= ? AND bucket < ? ORDER BY bucket")) {
      st.setInt(1, level.seconds());
      st.setString(2, String.valueOf(subject.kind()));
      st.setString(3, subject.name());
      st.setTimestamp(4, Timestamp.from(from));
      st.setTimestamp(5, Timestamp.from(to));
      List<Row> rows = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          rows.add(new Row(rs.getTimestamp(1).toInstant(), read(rs, 2, histograms)));
        }
      }
      return rows;
    }
  }

  /** A pool member's row with its subject ("pool/endpoint"). */
  public record MemberRow(String subject, Instant bucket, RollupRow figures) {}

  /**
   * The rows of every pool member at {@code level} in [from, to), only those seen through {@code
   * virtualService} unless it is empty: the app map's edges from services to members.
   */
  public static List<MemberRow> memberRows(
      Connection c, Level level, String virtualService, Instant from, Instant to)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT bucket, subject, "
                + FIGURES
                + " FROM rollup WHERE level = ? AND kind = 'm' AND bucket >= ? AND bucket < ?"
                + (virtualService.isEmpty() ? "" : " AND virtual_service = ?"))) {
      st.setInt(1, level.seconds());
      st.setTimestamp(2, Timestamp.from(from));
      st.setTimestamp(3, Timestamp.from(to));
      if (!virtualService.isEmpty()) {
        st.setString(4, virtualService);
      }
      List<MemberRow> rows = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          rows.add(new MemberRow(rs.getString(2), rs.getTimestamp(1).toInstant(), read(rs, 3)));
        }
      }
      return rows;
    }
  }

  /** The rows of every member of {@code pool} at {@code level} in [from, to). */
  public static List<Row> poolMemberRows(
      Connection c, Level level, String pool, Instant from, Instant to) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT bucket, "
                + FIGURES
                + " FROM rollup WHERE level = ? AND kind = 'm' AND subject LIKE ? ESCAPE '\\'"
                + " AND bucket >= ? AND bucket < ?")) {
      st.setInt(1, level.seconds());
      st.setString(2, pool.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%");
      st.setTimestamp(3, Timestamp.from(from));
      st.setTimestamp(4, Timestamp.from(to));
      List<Row> rows = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          rows.add(new Row(rs.getTimestamp(1).toInstant(), read(rs, 2)));
        }
      }
      return rows;
    }
  }

  /** Deletes rows past their level's retention; returns how many. */
  public static int prune(Connection c, Instant now) throws SQLException {
    int deleted = 0;
    for (Level level : Level.values()) {
      try (PreparedStatement st =
          c.prepareStatement("DELETE FROM rollup WHERE level = ? AND bucket < ?")) {
        st.setInt(1, level.seconds());
        st.setTimestamp(2, Timestamp.from(now.minus(level.retention())));
        deleted += st.executeUpdate();
      }
    }
    return deleted;
  }

  private static RollupRow read(ResultSet rs, int first) throws SQLException {
    return read(rs, first, true);
  }

  private static RollupRow read(ResultSet rs, int first, boolean histograms) throws SQLException {
    RollupRow r = new RollupRow();
    int p = first;
    r.virtualService = rs.getString(p++);
    r.appId = rs.getString(p++);
    r.address = rs.getString(p++);
    r.requests = rs.getLong(p++);
    r.responses1xx = rs.getLong(p++);
    r.responses2xx = rs.getLong(p++);
    r.responses3xx = rs.getLong(p++);
    r.responses4xx = rs.getLong(p++);
    r.responses5xx = rs.getLong(p++);
    r.connectErrors = rs.getLong(p++);
    r.bytesIn = rs.getLong(p++);
    r.bytesOut = rs.getLong(p++);
    r.connectionsOpened = rs.getLong(p++);
    r.connectionsClosed = rs.getLong(p++);
    r.connectionSeconds = rs.getDouble(p++);
    int healthy = rs.getInt(p++);
    r.healthyMembers = rs.wasNull() ? null : healthy;
    r.connectionsDenied = rs.getLong(p++);
    r.rateLimited = rs.getLong(p++);
    if (histograms) {
      for (int t = 0; t < RollupRow.TIMINGS.length; t++) {
        byte[] bytes = rs.getBytes(p++);
        if (bytes != null) {
          r.merge(t, bytes, Long.MAX_VALUE); // stored rows may hold more than 2^31 values
        }
      }
    }
    return r;
  }

  private static String prefixed(String prefix) {
    return prefix + FIGURES.replace(", ", ", " + prefix);
  }

  private static String updates() {
    StringBuilder set = new StringBuilder();
    for (String column : FIGURES.split(", ")) {
      if (set.length() > 0) {
        set.append(", ");
      }
      set.append(column).append(" = EXCLUDED.").append(column);
    }
    return set.toString();
  }

  private static Level levelOf(int seconds) {
    for (Level level : Level.values()) {
      if (level.seconds() == seconds) {
        return level;
      }
    }
    throw new IllegalStateException("no rollup level of " + seconds + " s");
  }
}
