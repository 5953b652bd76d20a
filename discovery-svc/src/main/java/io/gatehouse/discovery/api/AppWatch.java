package io.gatehouse.discovery.api;

import io.gatehouse.api.discovery.v1.WatchAppsResponse;
import io.gatehouse.discovery.apps.AppModel;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One WatchApps stream: a cursor into the model's deltas. It sends while the client can take more;
 * a cursor older than the model's history gets a new snapshot instead of a backlog, so a slow
 * client costs a cursor, not memory. At most one pump runs at a time (a wake-up counter: the thread
 * that raises it from zero drains).
 */
final class AppWatch implements Runnable {
  /** Apps per snapshot message: a few hundred apps stay far below gRPC's 4 MiB message limit. */
  static final int SNAPSHOT_CHUNK = 200;

  private final String framework;
  private final AppModel model;
  private final ServerCallStreamObserver<WatchAppsResponse> out;
  private final Executor executor;
  private final AtomicInteger pending = new AtomicInteger();
  private final java.util.Deque<WatchAppsResponse> snapshotLeft = new java.util.ArrayDeque<>();
  private volatile boolean closed;
  private long cursor;
  private boolean started;

  AppWatch(
      String framework,
      AppModel model,
      long from,
      ServerCallStreamObserver<WatchAppsResponse> out,
      Executor executor) {
    this.framework = framework;
    this.model = model;
    this.cursor = from;
    this.out = out;
    this.executor = executor;
  }

  void start() {
    out.setOnCancelHandler(this::close);
    out.setOnReadyHandler(this);
    model.addListener(this);
    run();
  }

  void close() {
    closed = true;
    model.removeListener(this);
  }

  @Override
  public void run() {
    if (!closed && pending.getAndIncrement() == 0) {
      executor.execute(this::drain);
    }
  }

  /**
   * Splits a snapshot into messages of at most {@link #SNAPSHOT_CHUNK} apps: the first marked
   * {@code snapshot}, the last {@code snapshot_complete}; they go out as the client takes them.
   */
  private void queueSnapshot(AppModel.Snapshot snapshot) {
    List<io.gatehouse.discovery.marathon.MarathonApp> apps = snapshot.apps();
    int chunks = Math.max(1, (apps.size() + SNAPSHOT_CHUNK - 1) / SNAPSHOT_CHUNK);
    for (int i = 0; i < chunks; i++) {
      WatchAppsResponse.Builder message =
          WatchAppsResponse.newBuilder()
              .setRevision(snapshot.revision())
              .setSnapshot(i == 0)
              .setSnapshotComplete(i == chunks - 1);
      apps.subList(i * SNAPSHOT_CHUNK, Math.min(apps.size(), (i + 1) * SNAPSHOT_CHUNK))
          .forEach(a -> message.addApps(AppProtos.app(framework, a)));
      snapshotLeft.add(message.build());
    }
    cursor = snapshot.revision();
  }

  private void drain() {
    int missed = 1;
    do {
      pump();
      missed = pending.addAndGet(-missed);
    } while (missed != 0);
  }

  private void pump() {
    while (!closed && out.isReady()) {
      if (!snapshotLeft.isEmpty()) {
        out.onNext(snapshotLeft.poll()); // a snapshot in progress goes out before any delta
        continue;
      }
      // from revision 0 the stream starts with a snapshot; later, a cursor the history no longer
      // reaches gets one too
      List<AppModel.Delta> deltas = !started && cursor == 0 ? null : model.since(cursor);
      if (deltas == null) {
        queueSnapshot(model.snapshot());
        started = true;
        continue;
      }
      started = true;
      if (deltas.isEmpty()) {
        return;
      }
      for (AppModel.Delta delta : deltas) {
        if (closed || !out.isReady()) {
          return; // resumes from the cursor on the next ready signal
        }
        out.onNext(AppProtos.delta(framework, delta));
        cursor = delta.revision();
      }
    }
  }
}
