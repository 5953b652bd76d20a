package io.gatehouse.semanager.follow;

import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.AppKey;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.Task;
import io.gatehouse.api.discovery.v1.TaskChange;
import io.gatehouse.api.discovery.v1.WatchAppsRequest;
import io.gatehouse.api.discovery.v1.WatchAppsResponse;
import io.gatehouse.semanager.compile.AppView;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows discovery-svc's WatchApps into an {@link AppView}: a snapshot (possibly over several
 * messages) replaces every app; then whole-app upserts, app removals and single-task changes are
 * applied, each message handed on as a new view that names the apps it changed. A lost stream
 * resumes from the last revision (a revision discovery no longer holds gets a new snapshot). Runs
 * on a thread of its own.
 */
public final class AppFollower extends StreamFollower {
  private static final Logger log = LoggerFactory.getLogger(AppFollower.class);

  private final DiscoveryServiceGrpc.DiscoveryServiceBlockingStub discovery;
  private final BiConsumer<AppView, Instant> onChange;
  private final Map<String, App> apps = new HashMap<>();
  private long revision;

  /** The last view handed on, the keys of the apps changed since, and whether all may have. */
  private AppView view;

  private final Set<String> changed = new HashSet<>();
  private boolean everyAppChanged = true;

  /**
   * @param discoveryChannel a channel to discovery-svc that carries se-manager's token
   * @param onChange hears each new view with the time of the Marathon event behind it
   */
  public AppFollower(Channel discoveryChannel, BiConsumer<AppView, Instant> onChange) {
    super("app-follower");
    this.discovery = DiscoveryServiceGrpc.newBlockingStub(discoveryChannel);
    this.onChange = onChange;
  }

  public AppFollower start() {
    startThread();
    return this;
  }

  @Override
  void follow() {
    Iterator<WatchAppsResponse> responses =
        discovery.watchApps(WatchAppsRequest.newBuilder().setFromRevision(revision).build());
    boolean inSnapshot = false;
    while (responses.hasNext()) {
      WatchAppsResponse response = responses.next();
      if (response.getSnapshot()) {
        apps.clear();
        inSnapshot = true;
        everyAppChanged = true;
      }
      for (App app : response.getAppsList()) {
        String key = AppView.key(app.getMarathonFramework(), app.getId());
        apps.put(key, app);
        changed.add(key);
      }
      for (AppKey removed : response.getRemovedAppsList()) {
        apps.remove(key(removed));
        changed.add(key(removed));
      }
      for (TaskChange change : response.getTaskChangesList()) {
        apply(change);
        changed.add(key(change.getApp()));
      }
      revision = response.getRevision();
      if (inSnapshot && !response.getSnapshotComplete()) {
        continue; // a partial snapshot is never handed on
      }
      view = everyAppChanged ? AppView.of(apps.values()) : view.next(apps.values(), changed);
      changed.clear();
      everyAppChanged = false;
      inSnapshot = false;
      Instant cause =
          response.hasCauseTime()
              ? Instant.ofEpochSecond(
                  response.getCauseTime().getSeconds(), response.getCauseTime().getNanos())
              : null;
      onChange.accept(view, cause);
    }
  }

  @Override
  void lost(StatusRuntimeException e) {
    log.warn("app watch lost ({}); resuming from revision {}", e.getStatus(), revision);
  }

  private void apply(TaskChange change) {
    String key = key(change.getApp());
    App app = apps.get(key);
    if (app == null) {
      return;
    }
    App.Builder changed = app.toBuilder().clearTasks();
    for (Task task : app.getTasksList()) {
      boolean replaced =
          change.hasUpserted()
              ? task.getId().equals(change.getUpserted().getId())
              : task.getId().equals(change.getRemovedTaskId());
      if (!replaced) {
        changed.addTasks(task);
      }
    }
    if (change.hasUpserted()) {
      changed.addTasks(change.getUpserted());
    }
    apps.put(key, changed.build());
  }

  private static String key(AppKey key) {
    return AppView.key(key.getMarathonFramework(), key.getAppId());
  }
}
