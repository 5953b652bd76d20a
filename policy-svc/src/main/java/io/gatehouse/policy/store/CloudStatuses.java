package io.gatehouse.policy.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.gatehouse.api.policy.v1.AppRefusal;
import io.gatehouse.api.policy.v1.Cloud;
import io.gatehouse.api.policy.v1.CloudStatus;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.RefusedApp;
import io.gatehouse.policy.internal.FieldViolation;
import io.gatehouse.policy.internal.InvalidArgumentException;
import io.gatehouse.policy.internal.NotFoundException;
import io.gatehouse.policy.internal.ObjectRef;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The status discovery-svc reports for the cloud settings, kept beside the Cloud object rather than
 * in it: a report moves no revision (so an operator's If-Match is not made stale by it) and wakes
 * no watch (so discovery-svc does not re-apply its own report). Get and List show it.
 */
@Singleton
public final class CloudStatuses {
  /** The longest message taken. */
  public static final int MAX_MESSAGE = 1024;

  /** The most refused apps a report lists. */
  public static final int MAX_REFUSED_APPS = 1000;

  private static final int MAX_REFUSALS = 16;

  private static final int KIND = ObjectKind.OBJECT_KIND_CLOUD_VALUE;

  private final Transactions transactions;
  private final Clock clock;

  public CloudStatuses(Transactions transactions, Clock clock) {
    this.transactions = transactions;
    this.clock = clock;
  }

  /** Keeps {@code status} as the cloud {@code name}'s, stamped with the time it came. */
  public void report(String name, CloudStatus status) {
    List<FieldViolation> violations = new ArrayList<>();
    if (status.getState() == CloudStatus.State.STATE_UNSPECIFIED
        || status.getState() == CloudStatus.State.UNRECOGNIZED) {
      violations.add(new FieldViolation("status.state", "must be a state"));
    }
    if (status.getMessage().length() > MAX_MESSAGE) {
      violations.add(
          new FieldViolation("status.message", "must be at most " + MAX_MESSAGE + " characters"));
    }
    if (status.getAppliedRevision() < 0) {
      violations.add(new FieldViolation("status.applied_revision", "must not be negative"));
    }
    refusedApps(status, violations);
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    Instant now = clock.instant();
    byte[] body =
        status.toBuilder()
            .setReportTime(
                Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
            .build()
            .toByteArray();
    int written =
        transactions.write(
            connection -> {
              try (PreparedStatement st =
                  connection.prepareStatement(
                      "INSERT INTO cloud_status (kind, name, body)"
                          + " SELECT kind, name, ? FROM objects WHERE kind = ? AND name = ?"
                          + " ON CONFLICT (kind, name) DO UPDATE SET body = EXCLUDED.body")) {
                st.setBytes(1, body);
                st.setInt(2, KIND);
                st.setString(3, name);
                return st.executeUpdate();
              }
            });
    if (written == 0) {
      throw new NotFoundException(new ObjectRef(ObjectKind.OBJECT_KIND_CLOUD, name));
    }
  }

  /** The refused apps of a report: bounded in number and size, each field named when wrong. */
  private static void refusedApps(CloudStatus status, List<FieldViolation> violations) {
    if (status.getRefusedAppsCount() > MAX_REFUSED_APPS) {
      violations.add(
          new FieldViolation(
              "status.refused_apps", "must list at most " + MAX_REFUSED_APPS + " apps"));
      return;
    }
    if (status.getRefusedAppCount() < status.getRefusedAppsCount()) {
      violations.add(
          new FieldViolation(
              "status.refused_app_count", "must count at least the refused apps listed"));
    }
    for (int i = 0; i < status.getRefusedAppsCount(); i++) {
      RefusedApp app = status.getRefusedApps(i);
      String at = "status.refused_apps[" + i + "]";
      bounded(violations, at + ".marathon_framework", app.getMarathonFramework(), 64);
      bounded(violations, at + ".app_id", app.getAppId(), 512);
      if (app.getRefusalsCount() < 1 || app.getRefusalsCount() > MAX_REFUSALS) {
        violations.add(
            new FieldViolation(at + ".refusals", "must hold 1 to " + MAX_REFUSALS + " refusals"));
        continue;
      }
      for (int j = 0; j < app.getRefusalsCount(); j++) {
        AppRefusal refusal = app.getRefusals(j);
        String on = at + ".refusals[" + j + "]";
        bounded(violations, on + ".label", refusal.getLabel(), 256);
        if (refusal.getField().length() > 256) { // empty: the label as a whole
          violations.add(new FieldViolation(on + ".field", "must be at most 256 characters"));
        }
        bounded(violations, on + ".code", refusal.getCode(), 64);
        if (refusal.getMessage().length() > MAX_MESSAGE) {
          violations.add(
              new FieldViolation(
                  on + ".message", "must be at most " + MAX_MESSAGE + " characters"));
        }
      }
    }
  }

  /** A name that must be there and at most {@code max} characters. */
  private static void bounded(
      List<FieldViolation> violations, String field, String value, int max) {
    if (value.isEmpty()) {
      violations.add(new FieldViolation(field, "is required"));
    } else if (value.length() > max) {
      violations.add(new FieldViolation(field, "must be at most " + max + " characters"));
    }
  }

  /** {@code cloud} with its last reported status, if any. */
  public Cloud withStatus(Cloud cloud) {
    return withStatus(List.of(cloud)).get(0);
  }

  /** {@code clouds} with their last reported statuses. */
  public List<Cloud> withStatus(List<Cloud> clouds) {
    if (clouds.isEmpty()) {
      return clouds;
    }
    String[] names = clouds.stream().map(c -> c.getMeta().getName()).toArray(String[]::new);
    Map<String, CloudStatus> statuses =
        transactions.read(
            connection -> {
              Map<String, CloudStatus> found = new HashMap<>();
              try (PreparedStatement st =
                  connection.prepareStatement(
                      "SELECT name, body FROM cloud_status WHERE kind = ? AND name = ANY (?)")) {
                st.setInt(1, KIND);
                st.setArray(2, connection.createArrayOf("text", names));
                try (ResultSet rs = st.executeQuery()) {
                  while (rs.next()) {
                    found.put(rs.getString(1), parse(rs.getBytes(2)));
                  }
                }
              }
              return found;
            });
    return clouds.stream()
        .map(
            c -> {
              CloudStatus status = statuses.get(c.getMeta().getName());
              return status == null ? c : c.toBuilder().setStatus(status).build();
            })
        .toList();
  }

  private static CloudStatus parse(byte[] body) throws SQLException {
    try {
      return CloudStatus.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("a stored cloud status does not parse", e);
    }
  }
}
