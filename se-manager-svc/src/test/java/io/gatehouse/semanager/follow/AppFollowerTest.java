package io.gatehouse.semanager.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.AppKey;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.Task;
import io.gatehouse.api.discovery.v1.TaskChange;
import io.gatehouse.api.discovery.v1.WatchAppsRequest;
import io.gatehouse.api.discovery.v1.WatchAppsResponse;
import io.gatehouse.semanager.compile.AppView;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The views the app follower hands on name the apps each message changed, so that the compiler
 * looks only at those; after a snapshot, and after a stream lost in the middle of one, a view names
 * no predecessor, and every app is looked at.
 */
class AppFollowerTest {
  private final List<AppView> views = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;
  private AppFollower follower;

  @AfterEach
  void stop() {
    if (follower != null) {
      follower.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void eachViewNamesTheAppsItsMessageChanged() throws Exception {
    follow(
        List.of(
            List.of(
                snapshot(1, app("/a", "a.1"), app("/b", "b.1")),
                WatchAppsResponse.newBuilder()
                    .setRevision(2)
                    .addTaskChanges(
                        TaskChange.newBuilder().setApp(key("/a")).setRemovedTaskId("a.1"))
                    .build(),
                WatchAppsResponse.newBuilder().setRevision(3).addApps(app("/c", "c.1")).build(),
                WatchAppsResponse.newBuilder().setRevision(4).addRemovedApps(key("/b")).build())));
    await().until(() -> views.size() == 4);

    assertThat(views.get(0).changedSince(AppView.of(List.of()))).isNull(); // a snapshot
    assertThat(views.get(1).changedSince(views.get(0))).containsExactly("|/a");
    assertThat(views.get(1).app("", "/a").getTasksList()).isEmpty();
    assertThat(views.get(2).changedSince(views.get(1))).containsExactly("|/c");
    assertThat(views.get(3).changedSince(views.get(2))).containsExactly("|/b");
    assertThat(views.get(3).app("", "/b")).isNull();
    // only the view it was made from is known: further back, every app may have changed
    assertThat(views.get(3).changedSince(views.get(1))).isNull();
    assertThat(views.get(3).changedSince(views.get(3))).isEmpty();
  }

  @Test
  void aStreamLostInTheMiddleOfASnapshotLeavesTheNextViewWithoutAPredecessor() throws Exception {
    follow(
        List.of(
            List.of(
                snapshot(1, app("/a", "a.1")),
                WatchAppsResponse.newBuilder()
                    .setRevision(2)
                    .setSnapshot(true) // the first part of a new snapshot, then the stream breaks
                    .addApps(app("/b", "b.1"))
                    .build()),
            List.of(
                WatchAppsResponse.newBuilder()
                    .setRevision(3)
                    .addTaskChanges(
                        TaskChange.newBuilder()
                            .setApp(key("/b"))
                            .setUpserted(Task.newBuilder().setId("b.2")))
                    .build())));
    await().until(() -> views.size() == 2);

    assertThat(views.get(1).changedSince(views.get(0))).isNull();
    assertThat(views.get(1).apps().keySet()).containsExactly("|/b");
  }

  /** Serves {@code streams}: the nth watch gets the nth list, then the stream breaks. */
  private void follow(List<List<WatchAppsResponse>> streams) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new DiscoveryServiceGrpc.DiscoveryServiceImplBase() {
                  @Override
                  public void watchApps(
                      WatchAppsRequest request, StreamObserver<WatchAppsResponse> out) {
                    int call = calls.getAndIncrement();
                    if (call >= streams.size()) {
                      return; // left open: nothing more happens
                    }
                    streams.get(call).forEach(out::onNext);
                    out.onError(Status.UNAVAILABLE.asRuntimeException());
                  }
                })
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    follower = new AppFollower(channel, (view, cause) -> views.add(view)).start();
  }

  private static WatchAppsResponse snapshot(long revision, App... apps) {
    return WatchAppsResponse.newBuilder()
        .setRevision(revision)
        .setSnapshot(true)
        .setSnapshotComplete(true)
        .addAllApps(List.of(apps))
        .build();
  }

  private static App app(String id, String... taskIds) {
    App.Builder app = App.newBuilder().setId(id);
    for (String taskId : taskIds) {
      app.addTasks(Task.newBuilder().setId(taskId));
    }
    return app.build();
  }

  private static AppKey key(String id) {
    return AppKey.newBuilder().setAppId(id).build();
  }
}
