package io.gatehouse.bench;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.AppKey;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.Endpoint;
import io.gatehouse.api.discovery.v1.Task;
import io.gatehouse.api.discovery.v1.TaskChange;
import io.gatehouse.api.discovery.v1.WatchAppsRequest;
import io.gatehouse.api.discovery.v1.WatchAppsResponse;
import io.gatehouse.api.discovery.v1.WatchNodesRequest;
import io.gatehouse.api.discovery.v1.WatchNodesResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Plays discovery-svc for the manager: a snapshot of the apps, each with its tasks, then one task
 * removal per cue, stamped with the time it was cued.
 */
final class StandInDiscovery extends DiscoveryServiceGrpc.DiscoveryServiceImplBase {
  private final int apps;
  private final int tasksPerApp;
  private final List<StreamObserver<WatchAppsResponse>> watchers = new CopyOnWriteArrayList<>();
  private final int[] removed;
  private long revision = 1;

  StandInDiscovery(int apps, int tasksPerApp) {
    this.apps = apps;
    this.tasksPerApp = tasksPerApp;
    this.removed = new int[apps];
  }

  @Override
  public void watchApps(WatchAppsRequest request, StreamObserver<WatchAppsResponse> out) {
    WatchAppsResponse.Builder snapshot =
        WatchAppsResponse.newBuilder()
            .setRevision(revision)
            .setSnapshot(true)
            .setSnapshotComplete(true);
    synchronized (this) {
      for (int i = 0; i < apps; i++) {
        App.Builder app = App.newBuilder().setId("/app-" + i).setInstances(tasksPerApp);
        for (int t = removed[i]; t < tasksPerApp; t++) {
          app.addTasks(task(i, t));
        }
        snapshot.addApps(app);
      }
      out.onNext(snapshot.build());
      watchers.add(out);
    }
    ((ServerCallStreamObserver<WatchAppsResponse>) out)
        .setOnCancelHandler(() -> watchers.remove(out));
  }

  @Override
  public void watchNodes(WatchNodesRequest request, StreamObserver<WatchNodesResponse> out) {
    out.onNext(WatchNodesResponse.newBuilder().setRevision(1).setSnapshot(true).build());
  }

  synchronized void removeTask(int app) {
    int t = removed[app]++;
    if (t >= tasksPerApp) {
      removed[app] = 0; // every task gone once: start over with the full set
      upsertAll(app);
      return;
    }
    Instant now = Instant.now();
    WatchAppsResponse change =
        WatchAppsResponse.newBuilder()
            .setRevision(++revision)
            .addTaskChanges(
                TaskChange.newBuilder()
                    .setApp(AppKey.newBuilder().setAppId("/app-" + app))
                    .setRemovedTaskId(taskId(app, t)))
            .setCauseTime(
                Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
            .build();
    watchers.forEach(w -> w.onNext(change));
  }

  private void upsertAll(int app) {
    Instant now = Instant.now();
    App.Builder full = App.newBuilder().setId("/app-" + app).setInstances(tasksPerApp);
    for (int t = 0; t < tasksPerApp; t++) {
      full.addTasks(task(app, t));
    }
    WatchAppsResponse change =
        WatchAppsResponse.newBuilder()
            .setRevision(++revision)
            .addApps(full)
            .setCauseTime(
                Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
            .build();
    watchers.forEach(w -> w.onNext(change));
  }

  private static String taskId(int app, int t) {
    return "app-" + app + ".task-" + t;
  }

  private static Task task(int app, int t) {
    String address = "10." + (app / 250 % 250) + "." + (app % 250) + "." + (t + 1);
    return Task.newBuilder()
        .setId(taskId(app, t))
        .setAgentId("agent-" + t)
        .setHost(address)
        .setRoutable(true)
        .addEndpoints(Endpoint.newBuilder().setPortIndex(0).setAddress(address).setPort(8080))
        .build();
  }
}
