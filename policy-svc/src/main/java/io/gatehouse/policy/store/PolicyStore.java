package io.gatehouse.policy.store;

import com.google.protobuf.FieldMask;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.FieldMaskUtil;
import io.gatehouse.api.policy.v1.ChangeType;
import io.gatehouse.api.policy.v1.ListFilter;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.ObjectSource;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.common.secret.SecretCipher;
import io.gatehouse.policy.auth.Role;
import io.gatehouse.policy.internal.AlreadyExistsException;
import io.gatehouse.policy.internal.InvalidArgumentException;
import io.gatehouse.policy.internal.NotFoundException;
import io.gatehouse.policy.internal.ObjectRef;
import io.gatehouse.policy.internal.PermissionDeniedException;
import io.gatehouse.policy.internal.PreconditionException;
import io.gatehouse.policy.internal.RevisionMismatchException;
import io.gatehouse.policy.objects.PolicyKind;
import io.gatehouse.policy.objects.PolicyKind.Reference;
import io.gatehouse.policy.objects.ServiceEngineGroupKind;
import io.gatehouse.policy.objects.Violations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Create, read, list, update and delete for every kind of policy object. Each write is one
 * transaction that checks ownership, the expected revision, references, listener sockets and
 * virtual hosts, takes the next revision, and appends to the change log.
 */
@Singleton
public final class PolicyStore {
  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;
  static final int MAX_DESCRIPTION = 1024;

  private final Transactions transactions;
  private final ObjectRepository repository;
  private final ChangeLog changeLog;
  private final ListenerAllocator listeners;
  private final VirtualHostClaims virtualHosts;
  private final AbPoolChains abPools;
  private final MemberProtocolUse memberProtocols;
  private final SecretCipher cipher;
  private final Clock clock;

  /** A page of objects. */
  public record Page<T>(List<T> items, String nextPageToken, long revision) {}

  public PolicyStore(
      Transactions transactions,
      ObjectRepository repository,
      ChangeLog changeLog,
      ListenerAllocator listeners,
      VirtualHostClaims virtualHosts,
      AbPoolChains abPools,
      MemberProtocolUse memberProtocols,
      SecretCipher cipher,
      Clock clock) {
    this.transactions = transactions;
    this.repository = repository;
    this.changeLog = changeLog;
    this.listeners = listeners;
    this.virtualHosts = virtualHosts;
    this.abPools = abPools;
    this.memberProtocols = memberProtocols;
    this.cipher = cipher;
    this.clock = clock;
  }

  /** Creates {@code input}; its meta.name is required, other meta fields are the server's. */
  public <T extends Message> T create(PolicyKind<T> kind, T input, Role role) {
    T object = kind.clearOutputOnly(input);
    ObjectMeta meta = kind.meta(object);
    ObjectRef ref = RequestChecks.checkedRef(kind, meta.getName());
    ObjectSource source = Ownership.sourceFor(role, meta.getSource(), kind);
    RequestChecks.checkDescription(kind, meta);
    return transactions.write(c -> insert(c, kind, ref, object, source));
  }

  /** Replaces the fields of {@code input} named in {@code mask} (all writable ones when empty). */
  public <T extends Message> T update(
      PolicyKind<T> kind, T input, FieldMask mask, boolean allowMissing, Role role) {
    T object = kind.clearOutputOnly(input);
    ObjectMeta meta = kind.meta(object);
    ObjectRef ref = RequestChecks.checkedRef(kind, meta.getName());
    ObjectSource source = Ownership.sourceFor(role, meta.getSource(), kind);
    RequestChecks.checkDescription(kind, meta);
    RequestChecks.checkMask(kind, mask);
    long expected = meta.getRevision();
    if (expected == 0 && !allowMissing) {
      throw InvalidArgumentException.of(
          kind.field() + ".meta.revision",
          "is required: the revision you read (or set allow_missing for an unconditional upsert)");
    }
    return transactions.write(
        c -> {
          StoredObject current = repository.find(c, ref);
          if (current == null) {
            if (!allowMissing) {
              throw new NotFoundException(ref);
            }
            if (expected != 0) {
              throw new RevisionMismatchException(ref, expected, 0);
            }
            return insert(c, kind, ref, object, source);
          }
          if (expected != 0 && expected != current.revision()) {
            throw new RevisionMismatchException(ref, expected, current.revision());
          }
          ObjectMeta owner = kind.meta(kind.parse(current.body()));
          Ownership.checkOwner(role, ref, current.sourceKind(), owner);
          Ownership.checkSameApp(role, ref, owner.getSource(), source);
          return replace(
              c, kind, ref, current, merge(kind, kind.parse(current.body()), object, mask));
        });
  }

  /** Deletes an object no other object refers to. */
  public void delete(PolicyKind<?> kind, String name, long expectedRevision, Role role) {
    ObjectRef ref = RequestChecks.checkedRef(kind, name);
    if (kind.kind() == ObjectKind.OBJECT_KIND_SERVICE_ENGINE_GROUP
        && name.equals(ServiceEngineGroupKind.DEFAULT_GROUP)) {
      throw new PreconditionException(
          "the service engine group \"default\" always exists and cannot be deleted",
          List.of(
              new PreconditionException.Violation(
                  PreconditionException.BUILT_IN, ref.resourceType() + "/" + name, "built in")));
    }
    Ownership.checkWriter(role);
    transactions.write(
        c -> {
          deleteIn(c, kind, ref, expectedRevision, role);
          return null;
        });
  }

  private <T extends Message> void deleteIn(
      Connection c, PolicyKind<T> kind, ObjectRef ref, long expectedRevision, Role role)
      throws SQLException {
    StoredObject current = repository.find(c, ref);
    if (current == null) {
      throw new NotFoundException(ref);
    }
    if (expectedRevision != 0 && expectedRevision != current.revision()) {
      throw new RevisionMismatchException(ref, expectedRevision, current.revision());
    }
    T last = kind.parse(current.body());
    Ownership.checkOwner(role, ref, current.sourceKind(), kind.meta(last));
    List<Reference> referrers = repository.referrers(c, ref);
    if (!referrers.isEmpty()) {
      throw referenced(ref, referrers);
    }
    repository.delete(c, ref);
    long revision = changeLog.nextRevision(c);
    changeLog.appendChange(
        c,
        revision,
        ref,
        ChangeType.CHANGE_TYPE_DELETED,
        clock.instant(),
        kind.wrap(last).toByteArray());
  }

  /** One object, as the API shows it (no secrets). */
  public <T extends Message> T get(PolicyKind<T> kind, String name) {
    ObjectRef ref = RequestChecks.checkedRef(kind, name);
    StoredObject stored = transactions.read(c -> repository.find(c, ref));
    if (stored == null) {
      throw new NotFoundException(ref);
    }
    return kind.parse(stored.body());
  }

  /** The decrypted secret of an object (a certificate's private key), for se-manager-svc only. */
  public <T extends Message> Secret secret(PolicyKind<T> kind, String name, Role role) {
    Role reader = kind.kind() == ObjectKind.OBJECT_KIND_CLOUD ? Role.DISCOVERY : Role.SE_MANAGER;
    if (role != reader) {
      throw new PermissionDeniedException(
          reader == Role.DISCOVERY
              ? "the cloud's credentials are only handed to discovery-svc"
              : "private keys and registry credentials are only handed to se-manager-svc");
    }
    ObjectRef ref = RequestChecks.checkedRef(kind, name);
    StoredObject stored = transactions.read(c -> repository.find(c, ref));
    if (stored == null) {
      throw new NotFoundException(ref);
    }
    if (stored.secret() == null) {
      throw new NotFoundException(ref);
    }
    return new Secret(stored.revision(), cipher.decrypt(stored.secret(), secretContext(ref)));
  }

  /** A decrypted secret and the object revision it belongs to. */
  public record Secret(long revision, String value) {
    @Override
    public String toString() {
      return "Secret[revision=" + revision + ", value=<redacted>]";
    }
  }

  /** A page of objects filtered by name prefix, source and (virtual services) pool. */
  public <T extends Message> Page<T> list(
      PolicyKind<T> kind, ListFilter filter, String poolRef, int pageSize, String pageToken) {
    if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
      throw InvalidArgumentException.of(
          "page_size", "must be 0 to " + MAX_PAGE_SIZE + " (0 means " + DEFAULT_PAGE_SIZE + ")");
    }
    int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
    ObjectSource source = filter.getSource();
    Integer sourceKind =
        source.getKind() == ObjectSource.Kind.KIND_UNSPECIFIED ? null : source.getKindValue();
    int fingerprint =
        Objects.hash(
            kind.kind(), filter.getNamePrefix(), sourceKind, source.getMarathonAppId(), poolRef);
    PageToken position = pageToken.isEmpty() ? null : PageToken.decode(pageToken, fingerprint);
    ObjectRepository.ListQuery query =
        new ObjectRepository.ListQuery(
            kind.kind(),
            filter.getNamePrefix(),
            sourceKind,
            source.getMarathonAppId(),
            poolRef,
            position == null ? "" : position.afterName(),
            size + 1);
    return transactions.readSnapshot(
        c -> {
          List<byte[]> rows = repository.list(c, query);
          long revision = position == null ? changeLog.currentRevision(c) : position.revision();
          List<T> items = new ArrayList<>(Math.min(rows.size(), size));
          for (int i = 0; i < Math.min(rows.size(), size); i++) {
            items.add(kind.parse(rows.get(i)));
          }
          String next =
              rows.size() > size
                  ? new PageToken(revision, fingerprint, kind.meta(items.get(size - 1)).getName())
                      .encode()
                  : "";
          return new Page<>(items, next, revision);
        });
  }

  private <T extends Message> T insert(
      Connection c, PolicyKind<T> kind, ObjectRef ref, T object, ObjectSource source)
      throws SQLException {
    if (repository.find(c, ref) != null) {
      throw new AlreadyExistsException(ref);
    }
    Violations v = Violations.at(kind.field());
    kind.validate(object, v);
    String secret = kind.secret(object);
    T complete = kind.complete(object, secret, v);
    v.throwIfAny();
    return write(c, kind, ref, null, complete, source, secret, ChangeType.CHANGE_TYPE_CREATED);
  }

  private <T extends Message> T replace(
      Connection c, PolicyKind<T> kind, ObjectRef ref, StoredObject current, T merged)
      throws SQLException {
    Violations v = Violations.at(kind.field());
    kind.validate(merged, v);
    String secret = kind.secret(merged);
    if (secret.isEmpty() && current.secret() != null && !kind.dropsSecret(merged)) {
      secret = cipher.decrypt(current.secret(), secretContext(ref));
    }
    T complete = kind.complete(merged, secret, v);
    v.throwIfAny();
    ObjectMeta old = kind.meta(kind.parse(current.body()));
    return write(
        c, kind, ref, old, complete, old.getSource(), secret, ChangeType.CHANGE_TYPE_UPDATED);
  }

  private <T extends Message> T write(
      Connection c,
      PolicyKind<T> kind,
      ObjectRef ref,
      ObjectMeta previous,
      T object,
      ObjectSource source,
      String secret,
      ChangeType type)
      throws SQLException {
    List<Reference> references = kind.references(object);
    List<Reference> missing = repository.missingTargets(c, references);
    if (!missing.isEmpty()) {
      Violations v = Violations.at(kind.field());
      missing.forEach(m -> v.add(m.field(), m.target() + " does not exist"));
      v.throwIfAny();
    }
    T placed = listeners.place(c, kind, ref, object);
    if (placed instanceof VirtualService vs) {
      virtualHosts.check(c, kind.field(), ref.name(), vs);
      memberProtocols.check(c, kind.field(), vs);
    }
    if (placed instanceof io.gatehouse.api.policy.v1.Pool pool) {
      abPools.check(c, kind.field(), ref.name(), pool);
      memberProtocols.check(c, kind.field(), ref.name(), pool);
    }
    Instant now = clock.instant();
    long revision = changeLog.nextRevision(c);
    ObjectMeta meta =
        ObjectMeta.newBuilder()
            .setName(ref.name())
            .setUid(previous == null ? UUID.randomUUID().toString() : previous.getUid())
            .setRevision(revision)
            .setCreateTime(previous == null ? timestamp(now) : previous.getCreateTime())
            .setUpdateTime(timestamp(now))
            .setSource(source)
            .setDescription(kind.meta(object).getDescription())
            .build();
    T stored = kind.redact(kind.withMeta(placed, meta));
    byte[] body = stored.toByteArray();
    byte[] sealed = secret.isEmpty() ? null : cipher.encrypt(secret, secretContext(ref));
    ObjectRepository.Row row =
        new ObjectRepository.Row(
            ref.kind(),
            ref.name(),
            UUID.fromString(meta.getUid()),
            revision,
            toInstant(meta.getCreateTime()),
            now,
            source.getKindValue(),
            source.getMarathonAppId(),
            source.getMarathonFramework(),
            body,
            sealed);
    if (previous == null) {
      repository.insert(c, row);
    } else {
      repository.update(c, row);
    }
    repository.replaceReferences(c, ref, references);
    listeners.save(c, kind, ref, stored);
    if (stored instanceof VirtualService vs) {
      virtualHosts.save(c, ref.name(), vs);
    }
    changeLog.appendChange(c, revision, ref, type, now, kind.wrap(stored).toByteArray());
    return stored;
  }

  @SuppressWarnings("unchecked")
  private static <T extends Message> T merge(
      PolicyKind<T> kind, T current, T input, FieldMask mask) {
    if (mask.getPathsCount() == 0) {
      return input;
    }
    Message.Builder merged = current.toBuilder();
    FieldMaskUtil.merge(
        mask,
        input,
        merged,
        new FieldMaskUtil.MergeOptions()
            .setReplaceMessageFields(true)
            .setReplaceRepeatedFields(true)
            .setReplacePrimitiveFields(true));
    return kind.withMeta((T) merged.build(), kind.meta(input));
  }

  private static PreconditionException referenced(ObjectRef ref, List<Reference> referrers) {
    List<PreconditionException.Violation> violations = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Reference r : referrers) {
      names.add(r.target() + " (" + r.field() + ")");
      violations.add(
          new PreconditionException.Violation(
              PreconditionException.REFERENCED,
              r.target().resourceType() + "/" + r.target().name(),
              "refers to " + ref + " in " + r.field()));
    }
    return new PreconditionException(
        ref + " is still referred to by " + String.join(", ", names), violations);
  }

  static String secretContext(ObjectRef ref) {
    return ref.kind().getNumber() + "/" + ref.name();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  private static Instant toInstant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
