package io.gatehouse.policy.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gatehouse.api.policy.v1.MemberProtocol;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.policy.internal.ObjectRef;
import io.gatehouse.policy.objects.PolicyKind.Reference;
import io.gatehouse.policy.objects.Violations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps HTTP/2 and TLS to members behind HTTP services: a pool that speaks either to its members
 * serves only virtual services whose services are all HTTP (a TCP or UDP byte stream has no request
 * to carry over them). Checked from both sides, the pool's and the virtual service's, so neither
 * write order lets the pair in; an engine would otherwise refuse the whole configuration it is
 * pushed. Runs inside the serialized write transaction.
 */
@Singleton
final class MemberProtocolUse {
  private final ObjectRepository repository;

  MemberProtocolUse(ObjectRepository repository) {
    this.repository = repository;
  }

  /** INVALID_ARGUMENT naming pool_ref when {@code vs} serves bytes through such a pool. */
  void check(Connection c, String field, VirtualService vs) throws SQLException {
    if (!servesBytes(vs) || vs.getPoolRef().isEmpty()) {
      return;
    }
    StoredObject stored =
        repository.find(c, new ObjectRef(ObjectKind.OBJECT_KIND_POOL, vs.getPoolRef()));
    if (stored == null) {
      return;
    }
    Pool pool = parse(stored, Pool.parser(), vs.getPoolRef());
    String speaks = speaks(pool);
    if (speaks != null) {
      Violations v = Violations.at(field);
      v.add(
          "pool_ref",
          "pool \""
              + vs.getPoolRef()
              + "\" speaks "
              + speaks
              + " to its members, which only HTTP services can use; this one has TCP or UDP");
      v.throwIfAny();
    }
  }

  /** INVALID_ARGUMENT on {@code pool}'s fields when a TCP or UDP service is served through it. */
  void check(Connection c, String field, String name, Pool pool) throws SQLException {
    String speaks = speaks(pool);
    if (speaks == null) {
      return;
    }
    Violations v = Violations.at(field);
    for (Reference referrer :
        repository.referrers(c, new ObjectRef(ObjectKind.OBJECT_KIND_POOL, name))) {
      if (referrer.target().kind() != ObjectKind.OBJECT_KIND_VIRTUAL_SERVICE
          || !referrer.field().equals("pool_ref")) {
        continue;
      }
      StoredObject stored = repository.find(c, referrer.target());
      if (stored != null
          && servesBytes(parse(stored, VirtualService.parser(), referrer.target().name()))) {
        v.add(
            pool.hasMemberTls() ? "member_tls" : "member_protocol",
            "virtual service \""
                + referrer.target().name()
                + "\" has a TCP or UDP service through this pool, which cannot use "
                + speaks);
      }
    }
    v.throwIfAny();
  }

  /** What a pool speaks to its members beyond HTTP/1.1 in clear; null for just that. */
  private static String speaks(Pool pool) {
    MemberProtocol protocol = pool.getMemberProtocol();
    boolean http2 =
        protocol == MemberProtocol.MEMBER_PROTOCOL_H2C
            || protocol == MemberProtocol.MEMBER_PROTOCOL_H2;
    if (pool.hasMemberTls()) {
      return http2 ? "HTTP/2 over TLS" : "HTTP/1.1 over TLS";
    }
    return http2 ? "HTTP/2" : null;
  }

  private static boolean servesBytes(VirtualService vs) {
    return vs.getServicesList().stream()
        .map(Service::getProtocol)
        .anyMatch(p -> p == Protocol.PROTOCOL_TCP || p == Protocol.PROTOCOL_UDP);
  }

  private static <T> T parse(
      StoredObject stored, com.google.protobuf.Parser<T> parser, String name) {
    try {
      return parser.parseFrom(stored.body());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored object " + name + " is corrupt", e);
    }
  }
}
