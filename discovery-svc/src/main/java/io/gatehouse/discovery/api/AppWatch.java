package io.gatehouse.discovery.api;

import io.gatehouse.api.discovery.v1.WatchAppsResponse;
import io.gatehouse.discovery.apps.AppModel;
import io.gatehouse.discovery.marathon.MarathonApp;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * One WatchApps stream: a cursor into the model's deltas. It sends while the client can take more;
 * a cursor older than the model's history gets a new snapshot instead of a backlog, so a slow
 * client costs a cursor, not memory.
 */
final class AppWatch extends WatchStream {
  /** Apps per snapshot message: a few hundred apps stay far below gRPC's 4 MiB message limit. */
  static final int SNAPSHOT_CHUNK = 200;

  private final String framework;
  private final AppModel model;
  private final ServerCallStreamObserver<WatchAppsResponse> out;
  private final Deque<WatchAppsResponse> snapshotLeft = new ArrayDeque<>();
  private long cursor;
  private boolean started;

  AppWatch(
      String framework,
      AppModel model,
      long from,
      ServerCallStreamObserver<WatchAppsResponse> out,
      Executor executor) {
    super(out, executor, model::addListener, model::removeListener);
    this.framework = framework;
    this.model = model;
    this.cursor = from;
    this.out = out;
  }

  /**
   * Splits a snapshot into messages of at most {@link #SNAPSHOT_CHUNK} apps: the first marked
   * {@code snapshot}, the last {@code snapshot_complete}; they go out as the client takes them.
   */
  private void queueSnapshot(AppModel.Snapshot snapshot) {
    List<MarathonApp> apps = snapshot.apps();
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

  @Override
  void pump() {
    while (canSend()) {
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
        if (!canSend()) {
          return; // resumes from the cursor on the next ready signal
        }
        out.onNext(AppProtos.delta(framework, delta));
        cursor = delta.revision();
      }
    }
  }
}
