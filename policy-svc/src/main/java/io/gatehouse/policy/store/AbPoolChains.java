package io.gatehouse.policy.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.policy.internal.ObjectRef;
import io.gatehouse.policy.objects.PolicyKind.Reference;
import io.gatehouse.policy.objects.Violations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps A/B pools one level deep: a B pool has no B pool of its own, so a request's pool is decided
 * by one choice. Runs inside the serialized write transaction.
 */
@Singleton
final class AbPoolChains {
  private final ObjectRepository repository;

  AbPoolChains(ObjectRepository repository) {
    this.repository = repository;
  }

  /** INVALID_ARGUMENT naming the field when {@code pool} would make a chain. */
  void check(Connection c, String field, String name, Pool pool) throws SQLException {
    if (!pool.hasAbPool()) {
      return;
    }
    Violations v = Violations.at(field);
    for (Reference referrer :
        repository.referrers(c, new ObjectRef(ObjectKind.OBJECT_KIND_POOL, name))) {
      if (referrer.field().equals("ab_pool.pool_ref")) {
        v.add(
            "ab_pool",
            "it is the B pool of \"" + referrer.target().name() + "\": a B pool has no B pool");
      }
    }
    StoredObject b =
        repository.find(
            c, new ObjectRef(ObjectKind.OBJECT_KIND_POOL, pool.getAbPool().getPoolRef()));
    if (b != null) {
      try {
        if (Pool.parseFrom(b.body()).hasAbPool()) {
          v.add(
              "ab_pool.pool_ref",
              "\""
                  + pool.getAbPool().getPoolRef()
                  + "\" has a B pool of its own: a B pool has no B pool");
        }
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("stored pool " + name + " is corrupt", e);
      }
    }
    v.throwIfAny();
  }
}
