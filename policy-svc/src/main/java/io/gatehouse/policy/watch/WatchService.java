package io.gatehouse.policy.watch;

import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.WatchRequest;
import io.gatehouse.api.policy.v1.WatchResponse;
import io.gatehouse.policy.internal.InvalidArgumentException;
import io.gatehouse.policy.internal.RevisionCompactedException;
import io.gatehouse.policy.internal.StatusMapper;
import io.gatehouse.policy.objects.PolicyKinds;
import io.gatehouse.policy.store.Change;
import io.gatehouse.policy.store.ChangeLog;
import io.gatehouse.policy.store.ObjectRepository;
import io.gatehouse.policy.store.Transactions;
import io.grpc.stub.ServerCallStreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves PolicyService.Watch: validates where a stream starts and runs its {@link Watcher}. */
@Singleton
public final class WatchService {
  private static final Logger log = LoggerFactory.getLogger(WatchService.class);

  private final ChangeFeed feed;
  private final Transactions transactions;
  private final ObjectRepository repository;
  private final ChangeLog changeLog;
  private final PolicyKinds kinds;
  private final WatchConfig config;
  private final StatusMapper mapper;
  private final ExecutorService executor;
  private final Map<Long, Watcher> watchers = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong threads = new AtomicLong();

  public WatchService(
      ChangeFeed feed,
      Transactions transactions,
      ObjectRepository repository,
      ChangeLog changeLog,
      PolicyKinds kinds,
      WatchConfig config,
      StatusMapper mapper,
      MeterRegistry meters) {
    this.feed = feed;
    this.transactions = transactions;
    this.repository = repository;
    this.changeLog = changeLog;
    this.kinds = kinds;
    this.config = config;
    this.mapper = mapper;
    this.executor =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            runnable -> {
              Thread thread = new Thread(runnable, "policy-watch-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    meters.gauge("gatehouse.policy.watchers", watchers, Map::size);
  }

  /** Starts a watch stream on {@code out}. */
  public void watch(WatchRequest request, ServerCallStreamObserver<WatchResponse> out) {
    Set<ObjectKind> wanted = EnumSet.noneOf(ObjectKind.class);
    request.getKindsList().forEach(k -> wanted.add(kinds.of(k).kind()));
    List<WatchResponse> snapshot = List.of();
    long cursor;
    if (request.getInitialSnapshot()) {
      Snapshot s = snapshot(wanted);
      snapshot = s.messages();
      cursor = s.revision();
    } else {
      cursor = request.getFromRevision();
      checkStart(cursor);
    }
    Watcher watcher =
        new Watcher(ids.incrementAndGet(), out, wanted, cursor, snapshot, this, executor, mapper);
    out.setOnCancelHandler(() -> remove(watcher));
    out.setOnReadyHandler(watcher);
    watchers.put(watcher.id(), watcher);
    feed.subscribe(watcher);
    log.debug("watch {} started at revision {} for {}", watcher.id(), cursor, wanted);
    watcher.run();
  }

  /** The changes after {@code cursor}: from the ring, or from the database when behind it. */
  ChangeRing.Slice changesAfter(long cursor, Set<ObjectKind> wanted) {
    ChangeRing ring = feed.ring();
    ChangeRing.Slice slice = ring == null ? null : ring.after(cursor, wanted, config.batchSize());
    if (slice != null) {
      return slice;
    }
    return transactions.readSnapshot(
        c -> {
          long compacted = changeLog.compactedRevision(c);
          if (cursor < compacted) {
            throw new RevisionCompactedException(cursor, compacted);
          }
          List<Change> raw = changeLog.changesAfter(c, cursor, config.batchSize() * 10);
          List<Change> out = new ArrayList<>();
          long reached = cursor;
          for (Change change : raw) {
            if (out.size() == config.batchSize()) {
              break;
            }
            reached = change.revision();
            if (wanted.isEmpty() || wanted.contains(change.kind())) {
              out.add(change);
            }
          }
          return new ChangeRing.Slice(out, reached);
        });
  }

  Duration progressInterval() {
    return config.progressInterval();
  }

  void remove(Watcher watcher) {
    watcher.close();
    watchers.remove(watcher.id());
    feed.unsubscribe(watcher);
  }

  @PreDestroy
  void shutdown() {
    for (Watcher watcher : List.copyOf(watchers.values())) {
      remove(watcher);
    }
    executor.shutdownNow();
  }

  private void checkStart(long from) {
    if (from < 0) {
      throw InvalidArgumentException.of("from_revision", "must not be negative");
    }
    transactions.read(
        c -> {
          long compacted = changeLog.compactedRevision(c);
          if (from < compacted) {
            throw new RevisionCompactedException(from, compacted);
          }
          long current = changeLog.currentRevision(c);
          if (from > current) {
            throw InvalidArgumentException.of(
                "from_revision",
                "revision " + from + " is newer than the store's (" + current + ")");
          }
          return null;
        });
  }

  private record Snapshot(List<WatchResponse> messages, long revision) {}

  private Snapshot snapshot(Set<ObjectKind> wanted) {
    List<ObjectKind> list = new ArrayList<>(wanted.isEmpty() ? allKinds() : wanted);
    return transactions.readSnapshot(
        c -> {
          long revision = changeLog.currentRevision(c);
          List<Change> objects = repository.snapshot(c, list);
          List<WatchResponse> messages = new ArrayList<>();
          WatchResponse.Builder batch = WatchResponse.newBuilder().setRevision(revision);
          for (Change object : objects) {
            if (batch.getChangesCount() == config.batchSize()) {
              messages.add(batch.build());
              batch = WatchResponse.newBuilder().setRevision(revision);
            }
            batch.addChanges(object.proto());
          }
          messages.add(batch.setSnapshotComplete(true).build());
          return new Snapshot(messages, revision);
        });
  }

  private List<ObjectKind> allKinds() {
    List<ObjectKind> all = new ArrayList<>();
    kinds.all().forEach(k -> all.add(k.kind()));
    return all;
  }
}
