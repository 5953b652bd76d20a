package io.gatehouse.policy.watch;

import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.WatchResponse;
import io.gatehouse.policy.internal.StatusMapper;
import io.gatehouse.policy.store.Change;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Watch stream. It holds a cursor, not a backlog: whenever the client can take more ({@code
 * isReady}) it sends the next batch after the cursor, from the ring or, when it has fallen behind
 * the ring, from the database. A slow client therefore costs one cursor, however far behind it is.
 * Pumps run on a shared executor, at most one at a time per watcher.
 */
final class Watcher implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Watcher.class);

  private final long id;
  private final ServerCallStreamObserver<WatchResponse> out;
  private final Set<ObjectKind> kinds;
  private final WatchService service;
  private final Executor executor;
  private final StatusMapper mapper;
  private final Queue<WatchResponse> snapshot = new ArrayDeque<>();

  /** Wake-ups not yet handled; the thread that raises it from 0 drains (one drainer at a time). */
  private final AtomicInteger pending = new AtomicInteger();

  private volatile boolean closed;
  private long cursor;
  private long lastSentNanos = System.nanoTime();

  Watcher(
      long id,
      ServerCallStreamObserver<WatchResponse> out,
      Set<ObjectKind> kinds,
      long cursor,
      List<WatchResponse> snapshot,
      WatchService service,
      Executor executor,
      StatusMapper mapper) {
    this.id = id;
    this.out = out;
    this.kinds = kinds;
    this.cursor = cursor;
    this.snapshot.addAll(snapshot);
    this.service = service;
    this.executor = executor;
    this.mapper = mapper;
  }

  long id() {
    return id;
  }

  long cursor() {
    return cursor;
  }

  /** Schedules a pump; cheap and safe to call from any thread, any number of times. */
  @Override
  public void run() {
    if (!closed && pending.getAndIncrement() == 0) {
      executor.execute(this::drain);
    }
  }

  void close() {
    closed = true;
  }

  private void drain() {
    int missed = 1;
    do {
      pump();
      missed = pending.addAndGet(-missed); // wake-ups that came in meanwhile: pump again
    } while (missed != 0);
  }

  private void pump() {
    try {
      while (!closed && out.isReady()) {
        WatchResponse next = next();
        if (next == null) {
          return;
        }
        out.onNext(next);
        lastSentNanos = System.nanoTime();
      }
    } catch (RuntimeException e) {
      if (!closed) {
        closed = true;
        service.remove(this);
        log.warn("watch {} failed at revision {}: {}", id, cursor, e.getMessage());
        out.onError(mapper.toStatus(e));
      }
    }
  }

  /** The next message to send, or null when there is nothing to say now. */
  private WatchResponse next() {
    WatchResponse pending = snapshot.poll();
    if (pending != null) {
      return pending;
    }
    ChangeRing.Slice slice = service.changesAfter(cursor, kinds);
    cursor = slice.reached();
    if (!slice.changes().isEmpty()) {
      WatchResponse.Builder response = WatchResponse.newBuilder().setRevision(cursor);
      for (Change change : slice.changes()) {
        response.addChanges(change.proto());
      }
      return response.build();
    }
    if (System.nanoTime() - lastSentNanos >= service.progressInterval().toNanos()) {
      return WatchResponse.newBuilder().setRevision(cursor).build(); // progress: resume from here
    }
    return null;
  }
}
