package io.gatehouse.policy.store;

import com.google.protobuf.CodedOutputStream;
import io.gatehouse.api.policy.v1.ChangeType;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.policy.internal.ObjectRef;
import io.gatehouse.policy.objects.PolicyKind.ListenerClaim;
import io.gatehouse.policy.objects.PolicyKind.Reference;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Every SQL statement of the store about objects, each against the caller's connection and
 * transaction; the change log's are {@link ChangeLog}'s.
 */
@Singleton
public final class ObjectRepository {
  /** The columns the store keeps beside an object's encoding. */
  record Row(
      ObjectKind kind,
      String name,
      UUID uid,
      long revision,
      Instant createTime,
      Instant updateTime,
      int sourceKind,
      String sourceApp,
      String sourceFramework,
      byte[] body,
      byte[] secret) {}

  /** Filters and position of a list page. */
  record ListQuery(
      ObjectKind kind,
      String namePrefix,
      Integer sourceKind,
      String sourceApp,
      String poolRef,
      String afterName,
      int limit) {}

  StoredObject find(Connection c, ObjectRef ref) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT revision, source_kind, body, secret FROM objects WHERE kind = ? AND name = ?")) {
      st.setShort(1, (short) ref.kind().getNumber());
      st.setString(2, ref.name());
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new StoredObject(rs.getLong(1), rs.getShort(2), rs.getBytes(3), rs.getBytes(4));
      }
    }
  }

  void insert(Connection c, Row row) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO objects (kind, name, uid, revision, create_time, update_time, source_kind,"
                + " source_app, source_framework, body, secret)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      st.setShort(1, (short) row.kind().getNumber());
      st.setString(2, row.name());
      st.setObject(3, row.uid());
      st.setLong(4, row.revision());
      st.setObject(5, timestamp(row.createTime()));
      st.setObject(6, timestamp(row.updateTime()));
      st.setShort(7, (short) row.sourceKind());
      st.setString(8, row.sourceApp());
      st.setString(9, row.sourceFramework());
      st.setBytes(10, row.body());
      st.setBytes(11, row.secret());
      st.executeUpdate();
    }
  }

  void update(Connection c, Row row) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "UPDATE objects SET revision = ?, update_time = ?, body = ?, secret = ?"
                + " WHERE kind = ? AND name = ?")) {
      st.setLong(1, row.revision());
      st.setObject(2, timestamp(row.updateTime()));
      st.setBytes(3, row.body());
      st.setBytes(4, row.secret());
      st.setShort(5, (short) row.kind().getNumber());
      st.setString(6, row.name());
      st.executeUpdate();
    }
  }

  void delete(Connection c, ObjectRef ref) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement("DELETE FROM objects WHERE kind = ? AND name = ?")) {
      st.setShort(1, (short) ref.kind().getNumber());
      st.setString(2, ref.name());
      st.executeUpdate();
    }
  }

  /** The references among {@code refs} whose target does not exist. */
  List<Reference> missingTargets(Connection c, List<Reference> refs) throws SQLException {
    List<Reference> missing = new ArrayList<>();
    try (PreparedStatement st =
        c.prepareStatement("SELECT 1 FROM objects WHERE kind = ? AND name = ?")) {
      for (Reference ref : refs) {
        st.setShort(1, (short) ref.target().kind().getNumber());
        st.setString(2, ref.target().name());
        try (ResultSet rs = st.executeQuery()) {
          if (!rs.next()) {
            missing.add(ref);
          }
        }
      }
    }
    return missing;
  }

  void replaceReferences(Connection c, ObjectRef from, List<Reference> refs) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement("DELETE FROM refs WHERE from_kind = ? AND from_name = ?")) {
      st.setShort(1, (short) from.kind().getNumber());
      st.setString(2, from.name());
      st.executeUpdate();
    }
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO refs (from_kind, from_name, to_kind, to_name, field)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (Reference ref : refs) {
        st.setShort(1, (short) from.kind().getNumber());
        st.setString(2, from.name());
        st.setShort(3, (short) ref.target().kind().getNumber());
        st.setString(4, ref.target().name());
        st.setString(5, ref.field());
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  /** The objects that refer to {@code target}, with the referring field. */
  List<Reference> referrers(Connection c, ObjectRef target) throws SQLException {
    List<Reference> found = new ArrayList<>();
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT from_kind, from_name, field FROM refs WHERE to_kind = ? AND to_name = ?"
                + " ORDER BY from_kind, from_name")) {
      st.setShort(1, (short) target.kind().getNumber());
      st.setString(2, target.name());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          found.add(
              new Reference(
                  rs.getString(3),
                  new ObjectRef(ObjectKind.forNumber(rs.getShort(1)), rs.getString(2))));
        }
      }
    }
    return found;
  }

  /** The virtual service already listening where {@code claim} would, or null. */
  String listenerOwner(Connection c, String address, ListenerClaim claim, String exceptVs)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT vs_name FROM listeners WHERE address = ? AND port = ? AND protocol = ?"
                + " AND vs_name <> ?")) {
      st.setString(1, address);
      st.setInt(2, claim.port());
      st.setShort(3, (short) claim.protocol());
      st.setString(4, exceptVs);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Every address some virtual service listens on. */
  Set<String> listenerAddresses(Connection c) throws SQLException {
    Set<String> addresses = new HashSet<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT DISTINCT address FROM listeners")) {
      while (rs.next()) {
        addresses.add(rs.getString(1));
      }
    }
    return addresses;
  }

  /** The address the virtual service currently listens on, or null. */
  String listenerAddressOf(Connection c, String vsName) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement("SELECT address FROM listeners WHERE vs_name = ? LIMIT 1")) {
      st.setString(1, vsName);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  void replaceListeners(Connection c, String vsName, String address, List<ListenerClaim> claims)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement("DELETE FROM listeners WHERE vs_name = ?")) {
      st.setString(1, vsName);
      st.executeUpdate();
    }
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO listeners (address, port, protocol, vs_kind, vs_name)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      for (ListenerClaim claim : claims) {
        st.setString(1, claim.address() != null ? claim.address() : address);
        st.setInt(2, claim.port());
        st.setShort(3, (short) claim.protocol());
        st.setShort(4, (short) ObjectKind.OBJECT_KIND_VIRTUAL_SERVICE.getNumber());
        st.setString(5, vsName);
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  /** One page of object encodings of a kind, ordered by name. */
  List<byte[]> list(Connection c, ListQuery q) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT o.body FROM objects o WHERE o.kind = ?");
    List<Object> args = new ArrayList<>();
    args.add((short) q.kind().getNumber());
    if (!q.namePrefix().isEmpty()) {
      sql.append(" AND starts_with(o.name, ?)");
      args.add(q.namePrefix());
    }
    if (q.sourceKind() != null) {
      sql.append(" AND o.source_kind = ?");
      args.add(q.sourceKind().shortValue());
      if (!q.sourceApp().isEmpty()) {
        sql.append(" AND o.source_app = ?");
        args.add(q.sourceApp());
      }
    }
    if (!q.poolRef().isEmpty()) {
      sql.append(
          " AND EXISTS (SELECT 1 FROM refs r WHERE r.from_kind = o.kind AND r.from_name = o.name"
              + " AND r.to_kind = ? AND r.to_name = ?)");
      args.add((short) ObjectKind.OBJECT_KIND_POOL.getNumber());
      args.add(q.poolRef());
    }
    if (!q.afterName().isEmpty()) {
      sql.append(" AND o.name > ?");
      args.add(q.afterName());
    }
    sql.append(" ORDER BY o.name LIMIT ?");
    args.add(q.limit());
    try (PreparedStatement st = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        st.setObject(i + 1, args.get(i));
      }
      List<byte[]> bodies = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          bodies.add(rs.getBytes(1));
        }
      }
      return bodies;
    }
  }

  /** Every object of {@code kinds}, as (kind, encoding) in kind and name order. */
  public List<Change> snapshot(Connection c, List<ObjectKind> kinds) throws SQLException {
    List<Change> objects = new ArrayList<>();
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT kind, revision, body FROM objects WHERE kind = ANY (?) ORDER BY kind, name")) {
      st.setArray(
          1, c.createArrayOf("smallint", kinds.stream().map(k -> (short) k.getNumber()).toArray()));
      st.setFetchSize(1000);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          ObjectKind kind = ObjectKind.forNumber(rs.getShort(1));
          objects.add(
              Change.parse(
                  rs.getLong(2),
                  kind,
                  ChangeType.CHANGE_TYPE_EXISTING,
                  wrapInPolicyObject(kind, rs.getBytes(3))));
        }
      }
    }
    return objects;
  }

  /**
   * The encoding of a {@code PolicyObject} holding an object of {@code kind} encoded as {@code
   * body}: PolicyObject's field numbers equal the ObjectKind numbers, and an embedded message is
   * encoded on the wire exactly like a bytes field, so no parsing is needed.
   */
  static byte[] wrapInPolicyObject(ObjectKind kind, byte[] body) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 8);
      CodedOutputStream coded = CodedOutputStream.newInstance(out);
      coded.writeByteArray(kind.getNumber(), body);
      coded.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static OffsetDateTime timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
