package io.gatehouse.policy.store;

import io.gatehouse.api.policy.v1.ChangeType;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.policy.internal.ObjectRef;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The change log's SQL, each statement against the caller's connection and transaction: revisions,
 * appends (each NOTIFYing watchers once its transaction commits), reads from a revision on, and
 * compaction.
 */
@Singleton
public final class ChangeLog {
  /** The channel NOTIFY carries new revisions on. */
  public static final String CHANNEL = "policy_changes";

  /** The next revision: every write of one transaction shares it. */
  long nextRevision(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT nextval('revision_seq')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Appends to the change log and notifies watchers when the transaction commits. */
  void appendChange(
      Connection c, long revision, ObjectRef ref, ChangeType type, Instant time, byte[] object)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO changes (revision, kind, name, change_type, change_time, object)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      st.setLong(1, revision);
      st.setShort(2, (short) ref.kind().getNumber());
      st.setString(3, ref.name());
      st.setShort(4, (short) type.getNumber());
      st.setObject(5, ObjectRepository.timestamp(time));
      st.setBytes(6, object);
      st.executeUpdate();
    }
    try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      st.setString(1, CHANNEL);
      st.setString(2, Long.toString(revision));
      st.execute();
    }
  }

  /** The newest committed revision visible to this transaction; 0 for an empty store. */
  public long currentRevision(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT GREATEST((SELECT max(revision) FROM changes),"
                    + " (SELECT compacted_revision FROM history))")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Watches cannot resume from before this revision. */
  public long compactedRevision(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT compacted_revision FROM history")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Up to {@code limit} changes after {@code revision}, in order. */
  public List<Change> changesAfter(Connection c, long revision, int limit) throws SQLException {
    List<Change> changes = new ArrayList<>();
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT revision, kind, change_type, object FROM changes WHERE revision > ?"
                + " ORDER BY revision LIMIT ?")) {
      st.setLong(1, revision);
      st.setInt(2, limit);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          changes.add(
              Change.parse(
                  rs.getLong(1),
                  ObjectKind.forNumber(rs.getShort(2)),
                  ChangeType.forNumber(rs.getShort(3)),
                  rs.getBytes(4)));
        }
      }
    }
    return changes;
  }

  /**
   * Removes changes older than {@code before} but always keeps the newest {@code keep}; returns the
   * new compacted revision.
   */
  public long compact(Connection c, Instant before, int keep) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "WITH doomed AS (DELETE FROM changes WHERE change_time < ? AND revision <="
                + " (SELECT coalesce(max(revision), 0) - ? FROM changes) RETURNING revision)"
                + " UPDATE history SET compacted_revision = GREATEST(compacted_revision,"
                + " (SELECT coalesce(max(revision), 0) FROM doomed)) RETURNING compacted_revision")) {
      st.setObject(1, ObjectRepository.timestamp(before));
      st.setInt(2, keep);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
