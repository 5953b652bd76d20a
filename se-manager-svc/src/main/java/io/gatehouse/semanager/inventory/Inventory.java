package io.gatehouse.semanager.inventory;

import io.gatehouse.api.semanager.v1.ServiceEngineState;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Every engine the manager deployed or that connected to it, and its last load: the reconciler's
 * view of the actual fleet, shared by all replicas (an engine connects to one replica; the leader
 * reconciles from here). Each change of a record increases its revision and, when it is a lifecycle
 * step, appends an event ({@link EngineEvents}) in the same transaction.
 */
@Singleton
public final class Inventory {
  private static final String PREFIX = "SERVICE_ENGINE_STATE_";
  private static final String COLUMNS =
      "id, node_id, hostname, address, se_group, deployment_method, state, version, connected_at,"
          + " last_heartbeat_at, state_changed_at, revision, open_connections, requests_per_second,"
          + " cpu_used, resident_memory_bytes, analytics_dropped";

  /**
   * One engine.
   *
   * @param deploymentMethod "marathon", "ssh", "fleet" or "local"; empty for an engine the manager
   *     did not deploy (it connected on its own) and so never stops or replaces
   */
  public record Engine(
      String id,
      String nodeId,
      String hostname,
      String address,
      String seGroup,
      String deploymentMethod,
      ServiceEngineState state,
      String version,
      Instant connectedAt,
      Instant lastHeartbeatAt,
      Instant stateChangedAt,
      long revision,
      EngineLoad load) {}

  /** Where an engine is to run, as the reconciler plans it. */
  public record Placement(
      String id,
      String nodeId,
      String hostname,
      String address,
      String seGroup,
      String deploymentMethod) {}

  /** A database failure, unchecked. */
  public static final class InventoryException extends RuntimeException {
    InventoryException(SQLException cause) {
      super("inventory: " + cause.getMessage(), cause);
    }
  }

  @FunctionalInterface
  interface Work<R> {
    R run(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;

  public Inventory(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Records a planned engine as PENDING (event "PLANNED") unless it is already known; a known
   * engine gets its node facts and deployment method refreshed without an event.
   */
  public Engine plan(Placement placement) {
    return transaction(
        c -> {
          Optional<Engine> known = get(c, placement.id(), true);
          if (known.isEmpty()) {
            try (PreparedStatement st =
                c.prepareStatement(
                    "INSERT INTO service_engine (id, node_id, hostname, address, se_group,"
                        + " deployment_method, state) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
              st.setString(1, placement.id());
              st.setString(2, placement.nodeId());
              st.setString(3, placement.hostname());
              st.setString(4, placement.address());
              st.setString(5, placement.seGroup());
              st.setString(6, placement.deploymentMethod());
              st.setString(7, name(ServiceEngineState.SERVICE_ENGINE_STATE_PENDING));
              st.executeUpdate();
            }
            EngineEvents.append(c, placement.id(), "PLANNED", "on node " + placement.hostname());
          } else if (!known.get().nodeId().equals(placement.nodeId())
              || !known.get().hostname().equals(placement.hostname())
              || !known.get().address().equals(placement.address())
              || !known.get().deploymentMethod().equals(placement.deploymentMethod())) {
            try (PreparedStatement st =
                c.prepareStatement(
                    "UPDATE service_engine SET node_id = ?, hostname = ?, address = ?,"
                        + " deployment_method = ?, revision = revision + 1 WHERE id = ?")) {
              st.setString(1, placement.nodeId());
              st.setString(2, placement.hostname());
              st.setString(3, placement.address());
              st.setString(4, placement.deploymentMethod());
              st.setString(5, placement.id());
              st.executeUpdate();
            }
          }
          return get(c, placement.id(), false).orElseThrow();
        });
  }

  /**
   * Moves an engine to {@code state} and records the step as an event. Decommissioning it also
   * revokes every credential naming it issued until now.
   */
  public void transition(String id, ServiceEngineState state, String eventType, String message) {
    transaction(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement(
                  "UPDATE service_engine SET state = ?, state_changed_at = now(),"
                      + " revision = revision + 1 WHERE id = ?")) {
            st.setString(1, name(state));
            st.setString(2, id);
            st.executeUpdate();
          }
          if (state == ServiceEngineState.SERVICE_ENGINE_STATE_DECOMMISSIONED) {
            try (PreparedStatement st =
                c.prepareStatement(
                    "INSERT INTO engine_revocation (se_id, revoked_before)"
                        + " VALUES (?, clock_timestamp()) ON CONFLICT (se_id)"
                        + " DO UPDATE SET revoked_before = clock_timestamp()")) {
              st.setString(1, id);
              st.executeUpdate();
            }
          }
          EngineEvents.append(c, id, eventType, message);
          return null;
        });
  }

  /**
   * An engine said hello: it is CONNECTED now. An engine the manager never planned is recorded with
   * an empty deployment method.
   */
  public void connected(String id, String nodeId, String hostname, String seGroup, String version) {
    transaction(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement(
                  "INSERT INTO service_engine (id, node_id, hostname, se_group,"
                      + " deployment_method, state, version, connected_at, last_heartbeat_at)"
                      + " VALUES (?, ?, ?, ?, '', ?, ?, now(), now())"
                      + " ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state,"
                      + " version = EXCLUDED.version, connected_at = now(),"
                      + " last_heartbeat_at = now(), state_changed_at = now(),"
                      + " node_id = CASE WHEN EXCLUDED.node_id = '' THEN service_engine.node_id"
                      + " ELSE EXCLUDED.node_id END,"
                      + " revision = service_engine.revision + 1")) {
            st.setString(1, id);
            st.setString(2, nodeId);
            st.setString(3, hostname);
            st.setString(4, seGroup.isEmpty() ? "default" : seGroup);
            st.setString(5, name(ServiceEngineState.SERVICE_ENGINE_STATE_CONNECTED));
            st.setString(6, version);
            st.executeUpdate();
          }
          EngineEvents.append(
              c, id, "CONNECTED", "from " + hostname + (version.isEmpty() ? "" : ", " + version));
          return null;
        });
  }

  /** An engine's control stream ended: DISCONNECTED, unless it was already decommissioned. */
  public void disconnected(String id, String why) {
    transaction(
        c -> {
          if (move(
              c,
              id,
              ServiceEngineState.SERVICE_ENGINE_STATE_CONNECTED,
              ServiceEngineState.SERVICE_ENGINE_STATE_DISCONNECTED,
              "connected_at = NULL")) {
            EngineEvents.append(c, id, "DISCONNECTED", why);
          }
          return null;
        });
  }

  /**
   * A heartbeat arrived (no revision change: heartbeats are not changes of the record). An engine
   * recorded as DISCONNECTED is CONNECTED again: its stream is open, so the silence was only in the
   * record (the database was unreachable when its heartbeats came, say). The heartbeat's {@code
   * load} is kept.
   */
  public void heartbeat(String id, EngineLoad load) {
    transaction(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement(
                  "UPDATE service_engine SET last_heartbeat_at = now(), open_connections = ?,"
                      + " requests_per_second = ?, cpu_used = ?, resident_memory_bytes = ?,"
                      + " analytics_dropped = ? WHERE id = ? AND state <> ?")) {
            st.setLong(1, load.openConnections());
            st.setDouble(2, load.requestsPerSecond());
            st.setDouble(3, load.cpuUsed());
            st.setLong(4, load.residentMemoryBytes());
            st.setLong(5, load.analyticsDropped());
            st.setString(6, id);
            st.setString(7, name(ServiceEngineState.SERVICE_ENGINE_STATE_DISCONNECTED));
            if (st.executeUpdate() > 0) {
              return null;
            }
          }
          if (move(
              c,
              id,
              ServiceEngineState.SERVICE_ENGINE_STATE_DISCONNECTED,
              ServiceEngineState.SERVICE_ENGINE_STATE_CONNECTED,
              "connected_at = now(), last_heartbeat_at = now()")) {
            EngineEvents.append(c, id, "CONNECTED", "heard again: a heartbeat on its open stream");
          }
          return null;
        });
  }

  /**
   * Engines recorded as CONNECTED whose last heartbeat is older than {@code heardBefore} become
   * DISCONNECTED: their stream ended without a word, with the replica that held it (a manager that
   * crashed or was killed never records its streams' end). Returns their ids.
   */
  public List<String> silenced(Instant heardBefore, String why) {
    return transaction(
        c -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement st =
              c.prepareStatement(
                  "UPDATE service_engine SET state = ?, connected_at = NULL,"
                      + " state_changed_at = now(), revision = revision + 1"
                      + " WHERE state = ? AND coalesce(last_heartbeat_at, connected_at,"
                      + " state_changed_at) < ? RETURNING id")) {
            st.setString(1, name(ServiceEngineState.SERVICE_ENGINE_STATE_DISCONNECTED));
            st.setString(2, name(ServiceEngineState.SERVICE_ENGINE_STATE_CONNECTED));
            st.setTimestamp(3, Timestamp.from(heardBefore));
            try (ResultSet rs = st.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getString(1));
              }
            }
          }
          for (String id : ids) {
            EngineEvents.append(c, id, "DISCONNECTED", why);
          }
          return ids;
        });
  }

  public Optional<Engine> get(String id) {
    return transaction(c -> get(c, id, false));
  }

  /** Every engine, decommissioned ones included: the reconciler's input. */
  public List<Engine> all() {
    return transaction(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement("SELECT " + COLUMNS + " FROM service_engine ORDER BY id")) {
            return engines(st);
          }
        });
  }

  /**
   * A page of engines by hostname then id, after the position {@code (afterHostname, afterId)}
   * (both empty for the first page).
   *
   * @param seGroup only this group; empty for all
   * @param states only these states; empty for all
   */
  public List<Engine> page(
      String seGroup,
      Collection<ServiceEngineState> states,
      String afterHostname,
      String afterId,
      int limit) {
    return transaction(
        c -> {
          StringBuilder sql =
              new StringBuilder("SELECT ")
                  .append(COLUMNS)
                  .append(" FROM service_engine WHERE (hostname, id) > (?, ?)");
          if (!seGroup.isEmpty()) {
            sql.append(" AND se_group = ?");
          }
          if (!states.isEmpty()) {
            sql.append(" AND state = ANY (?)");
          }
          sql.append(" ORDER BY hostname, id LIMIT ?");
          try (PreparedStatement st = c.prepareStatement(sql.toString())) {
            int i = 1;
            st.setString(i++, afterHostname);
            st.setString(i++, afterId);
            if (!seGroup.isEmpty()) {
              st.setString(i++, seGroup);
            }
            if (!states.isEmpty()) {
              st.setArray(
                  i++, c.createArrayOf("text", states.stream().map(Inventory::name).toArray()));
            }
            st.setInt(i, limit);
            return engines(st);
          }
        });
  }

  private static Optional<Engine> get(Connection c, String id, boolean forUpdate)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM service_engine WHERE id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
      st.setString(1, id);
      List<Engine> found = engines(st);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  private static List<Engine> engines(PreparedStatement st) throws SQLException {
    List<Engine> engines = new ArrayList<>();
    try (ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        engines.add(
            new Engine(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                ServiceEngineState.valueOf(PREFIX + rs.getString(7)),
                rs.getString(8),
                instant(rs.getTimestamp(9)),
                instant(rs.getTimestamp(10)),
                instant(rs.getTimestamp(11)),
                rs.getLong(12),
                new EngineLoad(
                    rs.getLong(13),
                    rs.getDouble(14),
                    rs.getDouble(15),
                    rs.getLong(16),
                    rs.getLong(17))));
      }
    }
    return engines;
  }

  /**
   * Moves engine {@code id} from state {@code from} to {@code to}, also setting {@code alsoSet}
   * (SQL assignments); whether it was in {@code from}.
   */
  private static boolean move(
      Connection c, String id, ServiceEngineState from, ServiceEngineState to, String alsoSet)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "UPDATE service_engine SET state = ?, "
                + alsoSet
                + ", state_changed_at = now(), revision = revision + 1"
                + " WHERE id = ? AND state = ?")) {
      st.setString(1, name(to));
      st.setString(2, id);
      st.setString(3, name(from));
      return st.executeUpdate() > 0;
    }
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  private static String name(ServiceEngineState state) {
    return state.name().substring(PREFIX.length());
  }

  private <R> R transaction(Work<R> work) {
    return transaction(dataSource, work);
  }

  /** Runs {@code work} in one transaction of {@code dataSource}'s; a failure is unchecked. */
  static <R> R transaction(DataSource dataSource, Work<R> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        R result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new InventoryException(e);
    }
  }
}
