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
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps HTTP/2 and TLS to members behind HTTP services: a pool that speaks either to its members
 * serves only virtual services whose services are all HTTP (a TCP or UDP byte stream has no request
 * to carry over them), whether it is their pool or that pool's B pool. Checked from both sides, the
 * pool's and the virtual service's, so neither write order lets the pair in; an engine would
 * otherwise refuse the whole configuration it is pushed. Runs inside the serialized write
 * transaction.
 */
@Singleton
final class MemberProtocolUse {
  private final ObjectRepository repository;

  MemberProtocolUse(ObjectRepository repository) {
    this.repository = repository;
  }

  /**
   * INVALID_ARGUMENT naming pool_ref when {@code vs} serves bytes through such a pool, or through a
   * pool whose B pool is one.
   */
  void check(Connection c, String field, VirtualService vs) throws SQLException {
    if (!servesBytes(vs) || vs.getPoolRef().isEmpty()) {
      return;
    }
    Pool pool = pool(c, vs.getPoolRef());
    if (pool == null) {
      return;
    }
    Violations v = Violations.at(field);
    String speaks = speaks(pool);
    Pool b = bPool(c, pool);
    if (speaks != null) {
      v.add("pool_ref", "pool \"" + vs.getPoolRef() + "\" speaks " + speaks + TO_MEMBERS);
    } else if (b != null && speaks(b) != null) {
      v.add(
          "pool_ref",
          "the B pool of pool \""
              + vs.getPoolRef()
              + "\", \""
              + pool.getAbPool().getPoolRef()
              + "\", speaks "
              + speaks(b)
              + TO_MEMBERS);
    }
    v.throwIfAny();
  }

  /**
   * INVALID_ARGUMENT on {@code pool}'s fields when a TCP or UDP service is served through it,
   * directly or as the B pool of the pool the service names, or when its own B pool speaks what
   * such a service cannot use.
   */
  void check(Connection c, String field, String name, Pool pool) throws SQLException {
    Violations v = Violations.at(field);
    String speaks = speaks(pool);
    if (speaks != null) {
      String at = pool.hasMemberTls() ? "member_tls" : "member_protocol";
      for (String vs : bytesServices(c, name)) {
        v.add(at, serviceThrough(vs, "this pool") + ", which cannot use " + speaks);
      }
      for (Reference referrer : repository.referrers(c, poolRef(name))) {
        if (referrer.target().kind() == ObjectKind.OBJECT_KIND_POOL
            && referrer.field().equals("ab_pool.pool_ref")) {
          String a = referrer.target().name();
          for (String vs : bytesServices(c, a)) {
            v.add(
                at,
                serviceThrough(vs, "pool \"" + a + "\", whose B pool this is")
                    + ", which cannot use "
                    + speaks);
          }
        }
      }
    }
    Pool b = bPool(c, pool);
    if (b != null && speaks(b) != null) {
      for (String vs : bytesServices(c, name)) {
        v.add(
            "ab_pool.pool_ref",
            "pool \""
                + pool.getAbPool().getPoolRef()
                + "\" speaks "
                + speaks(b)
                + " to its members, and "
                + serviceThrough(vs, "this pool"));
      }
    }
    v.throwIfAny();
  }

  private static final String TO_MEMBERS =
      " to its members, which only HTTP services can use; this one has TCP or UDP";

  private static String serviceThrough(String vs, String through) {
    return "virtual service \"" + vs + "\" has a TCP or UDP service through " + through;
  }

  /** The virtual services that name pool {@code name} and serve TCP or UDP. */
  private List<String> bytesServices(Connection c, String name) throws SQLException {
    List<String> services = new ArrayList<>();
    for (Reference referrer : repository.referrers(c, poolRef(name))) {
      if (referrer.target().kind() != ObjectKind.OBJECT_KIND_VIRTUAL_SERVICE
          || !referrer.field().equals("pool_ref")) {
        continue;
      }
      StoredObject stored = repository.find(c, referrer.target());
      if (stored != null
          && servesBytes(parse(stored, VirtualService.parser(), referrer.target().name()))) {
        services.add(referrer.target().name());
      }
    }
    return services;
  }

  private Pool pool(Connection c, String name) throws SQLException {
    StoredObject stored = repository.find(c, poolRef(name));
    return stored == null ? null : parse(stored, Pool.parser(), name);
  }

  /** {@code pool}'s B pool, when it has one that exists. */
  private Pool bPool(Connection c, Pool pool) throws SQLException {
    return pool.hasAbPool() && !pool.getAbPool().getPoolRef().isEmpty()
        ? pool(c, pool.getAbPool().getPoolRef())
        : null;
  }

  private static ObjectRef poolRef(String name) {
    return new ObjectRef(ObjectKind.OBJECT_KIND_POOL, name);
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
