package io.gatehouse.analytics.autoscale;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.analytics.v1.AutoscaleAction;
import io.gatehouse.api.analytics.v1.AutoscaleDecision;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The autoscaler's decisions in PostgreSQL. */
@Singleton
public final class DecisionStore {
  private static final String PREFIX = "AUTOSCALE_ACTION_";
  private static final String COLUMNS =
      "id, time, policy, pool, marathon_framework, app_id, action, current_instances,"
          + " target_instances, metric, observed_value, threshold, dry_run, deployment_id, message";

  private final DataSource dataSource;

  public DecisionStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Records a decision (its id and time are set here). */
  public void record(AutoscaleDecision d) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement st =
            c.prepareStatement(
                "INSERT INTO autoscale_decision (policy, pool, marathon_framework, app_id, action,"
                    + " current_instances, target_instances, metric, observed_value, threshold,"
                    + " dry_run, deployment_id, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      st.setString(1, d.getPolicy());
      st.setString(2, d.getPool());
      st.setString(3, d.getMarathonFramework());
      st.setString(4, d.getAppId());
      st.setString(5, d.getAction().name().substring(PREFIX.length()));
      st.setInt(6, d.getCurrentInstances());
      st.setInt(7, d.getTargetInstances());
      st.setString(8, d.getMetric());
      st.setDouble(9, d.getObservedValue());
      st.setDouble(10, d.getThreshold());
      st.setBoolean(11, d.getDryRun());
      st.setString(12, d.getDeploymentId());
      st.setString(13, d.getMessage());
      st.executeUpdate();
    }
  }

  /** The newest decision for an app, if any. */
  public Optional<AutoscaleDecision> latest(String framework, String appId) throws SQLException {
    List<AutoscaleDecision> found =
        list(framework, appId, "", Instant.EPOCH, Instant.now().plusSeconds(60), 0, 1);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** When the app was last scaled (out or in), if ever. */
  public Optional<Instant> lastScaled(String framework, String appId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT max(time) FROM autoscale_decision WHERE marathon_framework = ? AND app_id = ?"
                    + " AND action IN ('SCALE_OUT', 'SCALE_IN') AND NOT dry_run")) {
      st.setString(1, framework);
      st.setString(2, appId);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getTimestamp(1) == null
            ? Optional.empty()
            : Optional.of(rs.getTimestamp(1).toInstant());
      }
    }
  }

  /**
   * Decisions newest first, in [from, to), older than decision {@code beforeId} (0: the newest).
   *
   * @param framework null for any
   */
  public List<AutoscaleDecision> list(
      String framework,
      String appId,
      String policy,
      Instant from,
      Instant to,
      long beforeId,
      int limit)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(COLUMNS)
            .append(" FROM autoscale_decision WHERE time >= ? AND time < ?");
    List<Object> args = new ArrayList<>();
    args.add(java.sql.Timestamp.from(from));
    args.add(java.sql.Timestamp.from(to));
    if (framework != null) {
      sql.append(" AND marathon_framework = ?");
      args.add(framework);
    }
    if (!appId.isEmpty()) {
      sql.append(" AND app_id = ?");
      args.add(appId);
    }
    if (!policy.isEmpty()) {
      sql.append(" AND policy = ?");
      args.add(policy);
    }
    if (beforeId > 0) {
      sql.append(" AND id < ?");
      args.add(beforeId);
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(limit);
    try (Connection c = dataSource.getConnection();
        PreparedStatement st = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        st.setObject(i + 1, args.get(i));
      }
      List<AutoscaleDecision> decisions = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Instant time = rs.getTimestamp(2).toInstant();
          decisions.add(
              AutoscaleDecision.newBuilder()
                  .setId(Long.toString(rs.getLong(1)))
                  .setTime(
                      Timestamp.newBuilder()
                          .setSeconds(time.getEpochSecond())
                          .setNanos(time.getNano()))
                  .setPolicy(rs.getString(3))
                  .setPool(rs.getString(4))
                  .setMarathonFramework(rs.getString(5))
                  .setAppId(rs.getString(6))
                  .setAction(AutoscaleAction.valueOf(PREFIX + rs.getString(7)))
                  .setCurrentInstances(rs.getInt(8))
                  .setTargetInstances(rs.getInt(9))
                  .setMetric(rs.getString(10))
                  .setObservedValue(rs.getDouble(11))
                  .setThreshold(rs.getDouble(12))
                  .setDryRun(rs.getBoolean(13))
                  .setDeploymentId(rs.getString(14))
                  .setMessage(rs.getString(15))
                  .build());
        }
      }
      return decisions;
    }
  }
}
