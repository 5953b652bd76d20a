package io.gatehouse.semanager.inventory;

import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * What happened to each engine: lifecycle steps appended by the {@link Inventory} in the
 * transaction of the change they record, other events (a rejection) recorded here, read newest
 * first a page at a time, and pruned by age ({@link EventRetention}).
 */
@Singleton
public final class EngineEvents {
  /** Something that happened to an engine. */
  public record Event(long id, Instant time, String seId, String type, String message) {}

  private final DataSource dataSource;

  public EngineEvents(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Records an event that does not change the engine's state (e.g. a NACK). */
  public void record(String id, String type, String message) {
    Inventory.transaction(
        dataSource,
        c -> {
          append(c, id, type, message);
          return null;
        });
  }

  /** Events newest first, older than event {@code beforeId} (0: from the newest). */
  public List<Event> page(String seId, long beforeId, int limit) {
    return Inventory.transaction(
        dataSource,
        c -> {
          StringBuilder sql =
              new StringBuilder("SELECT id, time, se_id, type, message FROM service_engine_event");
          List<Object> args = new ArrayList<>();
          List<String> where = new ArrayList<>();
          if (!seId.isEmpty()) {
            where.add("se_id = ?");
            args.add(seId);
          }
          if (beforeId > 0) {
            where.add("id < ?");
            args.add(beforeId);
          }
          if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
          }
          sql.append(" ORDER BY id DESC LIMIT ?");
          args.add(limit);
          try (PreparedStatement st = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              st.setObject(i + 1, args.get(i));
            }
            List<Event> events = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
              while (rs.next()) {
                events.add(
                    new Event(
                        rs.getLong(1),
                        rs.getTimestamp(2).toInstant(),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5)));
              }
            }
            return events;
          }
        });
  }

  /** Deletes events older than {@code before}; returns how many. */
  public int prune(Instant before) {
    return Inventory.transaction(
        dataSource,
        c -> {
          try (PreparedStatement st =
              c.prepareStatement("DELETE FROM service_engine_event WHERE time < ?")) {
            st.setTimestamp(1, Timestamp.from(before));
            return st.executeUpdate();
          }
        });
  }

  /** Appends an event in the transaction of {@code c}: that of the change it records. */
  static void append(Connection c, String id, String type, String message) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO service_engine_event (se_id, type, message) VALUES (?, ?, ?)")) {
      st.setString(1, id);
      st.setString(2, type);
      st.setString(3, message);
      st.executeUpdate();
    }
  }
}
