package io.gatehouse.policy.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.policy.internal.ObjectRef;
import io.gatehouse.policy.objects.Violations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Claims the host names and path prefixes child virtual services serve on their parent's listeners:
 * a (parent, host name, path prefix) belongs to one child, the parent is an HTTP service that is no
 * child itself, and a service with children keeps an HTTP service. Runs inside the serialized write
 * transaction, so check-then-insert cannot race.
 */
@Singleton
final class VirtualHostClaims {
  private static final short VS_KIND = (short) ObjectKind.OBJECT_KIND_VIRTUAL_SERVICE.getNumber();

  private final ObjectRepository repository;

  VirtualHostClaims(ObjectRepository repository) {
    this.repository = repository;
  }

  /** INVALID_ARGUMENT naming the field when {@code vs} cannot hold what it claims. */
  void check(Connection c, String field, String name, VirtualService vs) throws SQLException {
    Violations v = Violations.at(field);
    String children = firstChild(c, name);
    if (!vs.getVhParentVsRef().isEmpty()) {
      if (children != null) {
        v.add(
            "vh_parent_vs_ref",
            "it is the parent of \"" + children + "\": a child service cannot have children");
      }
      checkParent(c, vs.getVhParentVsRef(), v);
      for (String domain : vs.getVhDomainNamesList()) {
        String owner = owner(c, vs.getVhParentVsRef(), domain, vs.getVhPathPrefix(), name);
        if (owner != null) {
          v.add(
              "vh_domain_names",
              "\""
                  + domain
                  + vs.getVhPathPrefix()
                  + "\" on \""
                  + vs.getVhParentVsRef()
                  + "\" is already served by virtual service \""
                  + owner
                  + "\"");
        }
      }
    } else if (children != null) {
      v.require(
          servesHttp(vs),
          "services",
          "it is the parent of \"" + children + "\": keep an HTTP service for its children");
    }
    v.throwIfAny();
  }

  /** Records what a stored virtual service claims (after its row exists). */
  void save(Connection c, String name, VirtualService vs) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("DELETE FROM virtual_hosts WHERE vs_name = ?")) {
      st.setString(1, name);
      st.executeUpdate();
    }
    if (vs.getVhParentVsRef().isEmpty()) {
      return;
    }
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO virtual_hosts (parent, domain, path_prefix, vs_kind, vs_name)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      for (String domain : vs.getVhDomainNamesList()) {
        st.setString(1, vs.getVhParentVsRef());
        st.setString(2, domain);
        st.setString(3, vs.getVhPathPrefix());
        st.setShort(4, VS_KIND);
        st.setString(5, name);
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  private void checkParent(Connection c, String parentName, Violations v) throws SQLException {
    StoredObject stored =
        repository.find(c, new ObjectRef(ObjectKind.OBJECT_KIND_VIRTUAL_SERVICE, parentName));
    if (stored == null) {
      return; // reported as a missing reference
    }
    VirtualService parent;
    try {
      parent = VirtualService.parseFrom(stored.body());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored virtual service " + parentName + " is corrupt", e);
    }
    v.require(
        parent.getVhParentVsRef().isEmpty(),
        "vh_parent_vs_ref",
        "\"" + parentName + "\" is itself a child service: name its parent instead");
    v.require(
        servesHttp(parent),
        "vh_parent_vs_ref",
        "\"" + parentName + "\" has no HTTP service: children are chosen by HTTP Host");
  }

  private static boolean servesHttp(VirtualService vs) {
    return vs.getServicesList().stream()
        .map(Service::getProtocol)
        .anyMatch(Protocol.PROTOCOL_HTTP::equals);
  }

  private static String owner(
      Connection c, String parent, String domain, String pathPrefix, String except)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT vs_name FROM virtual_hosts WHERE parent = ? AND domain = ? AND path_prefix = ?"
                + " AND vs_name <> ?")) {
      st.setString(1, parent);
      st.setString(2, domain);
      st.setString(3, pathPrefix);
      st.setString(4, except);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static String firstChild(Connection c, String parent) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT vs_name FROM virtual_hosts WHERE parent = ? ORDER BY vs_name LIMIT 1")) {
      st.setString(1, parent);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
