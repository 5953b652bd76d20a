package io.gatehouse.discovery.policy;

import io.gatehouse.api.policy.v1.DeletePoolRequest;
import io.gatehouse.api.policy.v1.DeleteVirtualServiceRequest;
import io.gatehouse.api.policy.v1.ObjectSource;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.UpdatePoolRequest;
import io.gatehouse.api.policy.v1.UpdateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.discovery.apps.AppModel;
import io.gatehouse.discovery.labels.LabelError;
import io.gatehouse.discovery.labels.ProxyTranslator;
import io.gatehouse.discovery.marathon.MarathonApp;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps policy-svc's Marathon-derived objects equal to what one Marathon's apps make of them. Model
 * changes mark apps dirty; a worker takes the dirty set at most every coalescing interval, so a
 * flapping label costs one write per interval, not one per change. For each app it upserts pools,
 * then virtual services (they refer to pools), then deletes what the app no longer makes (virtual
 * services first). The first pass also removes objects of apps that are gone. An app whose labels
 * are wrong, or whose objects policy-svc refuses (a VIP already taken), keeps what it had; the
 * reason is recorded for that app alone. policy-svc being away delays writes; nothing is lost,
 * since the dirty apps stay dirty.
 */
public final class PolicyWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicyWriter.class);

  private final String framework;
  private final AppModel model;
  private final ProxyTranslator translator;
  private final PolicyServiceGrpc.PolicyServiceBlockingStub policy;
  private final Duration coalesce;
  private final Set<String> dirty = new LinkedHashSet<>();

  private final DeploymentGroups deploymentGroups = new DeploymentGroups(); // guarded by dirty

  private final Map<String, List<LabelError>> rejected = new ConcurrentHashMap<>();

  /** Apps whose last write failed (wrong labels, or refused), with the errors logged for them. */
  private final Map<String, List<LabelError>> failing = new ConcurrentHashMap<>();

  private final Thread worker;
  private volatile boolean running = true;
  private final Map<String, ProxyTranslator.Result> written = new HashMap<>();
  private long seenRevision = -1;
  private final Runnable onChange = this::collect;

  public PolicyWriter(
      String framework,
      AppModel model,
      ProxyTranslator translator,
      Channel policyChannel,
      Duration coalesce) {
    this.framework = framework;
    this.model = model;
    this.translator = translator;
    this.policy = PolicyServiceGrpc.newBlockingStub(policyChannel);
    this.coalesce = coalesce;
    this.worker = new Thread(this::run, "policy-writer-" + framework);
    this.worker.setDaemon(true);
  }

  /** Starts writing. */
  public PolicyWriter start() {
    model.addListener(onChange);
    collect();
    worker.start();
    return this;
  }

  /**
   * Translates and writes every app again, as when the history no longer reaches back: for a change
   * of how apps are translated (the service ports proxied), which no app's change shows.
   */
  public void retranslate() {
    synchronized (dirty) {
      seenRevision = -1;
    }
    collect();
  }

  /** The apps whose objects could not be written (wrong labels, or refused), with the errors. */
  public Map<String, List<LabelError>> failing() {
    return Map.copyOf(failing);
  }

  /** How many apps have objects that could not be written: wrong labels, or refused. */
  public int failingApps() {
    return failing.size();
  }

  /** Every app policy-svc refused something of, with the refusals as label errors. */
  public Map<String, List<LabelError>> rejected() {
    return Map.copyOf(rejected);
  }

  /** What policy-svc refused for an app, as label errors; empty when nothing was refused. */
  public List<LabelError> rejected(String appId) {
    return rejected.getOrDefault(appId, List.of());
  }

  /**
   * Marks the apps whose definitions changed since the last look. Task-only changes (a removed
   * task) change no policy object and are skipped; when the history no longer reaches back, every
   * app is compared again and gone apps are swept.
   */
  private void collect() {
    synchronized (dirty) {
      List<AppModel.Delta> deltas = seenRevision < 0 ? null : model.since(seenRevision);
      if (deltas == null) {
        AppModel.Snapshot snapshot = model.snapshot();
        snapshot.apps().forEach(a -> dirty.add(a.id()));
        deploymentGroups.reset(snapshot.apps());
        dirty.add(SWEEP);
        seenRevision = snapshot.revision();
      } else {
        for (AppModel.Delta delta : deltas) {
          delta
              .upserted()
              .forEach(
                  a ->
                      dirty.addAll(
                          deploymentGroups.changed(a.id(), ProxyTranslator.deploymentGroup(a))));
          delta.removedApps().forEach(id -> dirty.addAll(deploymentGroups.changed(id, null)));
          seenRevision = delta.revision();
        }
      }
      if (!dirty.isEmpty()) {
        dirty.notifyAll();
      }
    }
  }

  /** Marks the gone-apps sweep: the whole set of apps is compared with what policy holds. */
  private static final String SWEEP = "";

  private void run() {
    while (running) {
      Set<String> batch;
      synchronized (dirty) {
        while (dirty.isEmpty() && running) {
          try {
            dirty.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        batch = inWriteOrder(dirty);
        dirty.clear();
      }
      Set<String> retry = new HashSet<>();
      List<String> again = new ArrayList<>();
      for (String appId : batch) {
        try {
          if (appId.equals(SWEEP)) {
            sweep();
          } else if (!write(appId)) {
            again.add(appId);
          }
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() == Status.Code.UNAVAILABLE
              || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
            retry.add(appId);
          } else {
            log.warn("[{}] writing policy for {} failed: {}", framework, appId, e.getStatus());
          }
        }
      }
      // an app refused for what another app of the batch held (a blue/green deployment's
      // listeners, passing to the newer app once the older one's are gone) is written once more
      for (String appId : again) {
        try {
          write(appId);
        } catch (StatusRuntimeException e) {
          retry.add(appId);
        }
      }
      if (!retry.isEmpty()) {
        log.info("[{}] policy-svc unavailable; {} apps wait", framework, retry.size());
        synchronized (dirty) {
          dirty.addAll(retry);
        }
      }
      pause(retry.isEmpty() ? coalesce : coalesce.multipliedBy(4));
    }
  }

  /**
   * {@code appIds} in the order to write them: apps that exist before gone ones (an app taking over
   * its deployment group's listeners from a gone one first), and the newer app of a blue/green pair
   * (whose pool the older one's names) before the older.
   */
  private Set<String> inWriteOrder(Set<String> appIds) {
    List<MarathonApp> present = new ArrayList<>();
    Set<String> ordered = new LinkedHashSet<>();
    for (String id : appIds) {
      MarathonApp app = id.equals(SWEEP) ? null : model.app(id);
      if (app != null) {
        present.add(app);
      }
    }
    present.sort(ProxyTranslator.WRITE_ORDER); // stable: other apps keep their order
    present.forEach(a -> ordered.add(a.id()));
    ordered.addAll(appIds);
    return ordered;
  }

  /**
   * Makes policy hold exactly what the app makes of itself (nothing when it is gone); false when
   * policy-svc refused some of it.
   */
  private boolean write(String appId) {
    MarathonApp app = model.app(appId);
    ProxyTranslator.Result result =
        app == null ? null : translator.translate(framework, app, deploymentPeers(app));
    if (result != null && !result.ok()) {
      logOnce(appId, result.errors());
      return true; // the app keeps the objects it had
    }
    if (result != null && result.equals(written.get(appId))) {
      failing.remove(appId); // labels fixed back to what policy already holds
      return true; // unchanged: rewriting would only bump revisions and wake every watcher
    }
    List<Pool> pools = result == null ? List.of() : result.pools();
    List<VirtualService> services = result == null ? List.of() : result.virtualServices();
    List<LabelError> refusals = new ArrayList<>();
    Set<String> poolNames = new HashSet<>();
    for (Pool pool : pools) {
      poolNames.add(pool.getMeta().getName());
      call(
          () ->
              policy()
                  .updatePool(
                      UpdatePoolRequest.newBuilder().setPool(pool).setAllowMissing(true).build()),
          pool.getMeta().getName(),
          refusals);
    }
    Set<String> serviceNames = new HashSet<>();
    for (VirtualService vs : services) {
      serviceNames.add(vs.getMeta().getName());
      call(
          () ->
              policy()
                  .updateVirtualService(
                      UpdateVirtualServiceRequest.newBuilder()
                          .setVirtualService(vs)
                          .setAllowMissing(true)
                          .build()),
          vs.getMeta().getName(),
          refusals);
    }
    for (String name : AppObjects.serviceNames(policy(), appId)) {
      if (!serviceNames.contains(name)) {
        policy()
            .deleteVirtualService(DeleteVirtualServiceRequest.newBuilder().setName(name).build());
      }
    }
    for (String name : AppObjects.poolNames(policy(), appId)) {
      if (!poolNames.contains(name)) {
        policy().deletePool(DeletePoolRequest.newBuilder().setName(name).build());
      }
    }
    if (refusals.isEmpty()) {
      rejected.remove(appId);
      failing.remove(appId);
      if (result == null) {
        written.remove(appId);
      } else {
        written.put(appId, result);
      }
    } else {
      written.remove(appId);
      rejected.put(appId, List.copyOf(refusals));
      logOnce(appId, refusals);
    }
    return refusals.isEmpty();
  }

  /** The other apps of {@code app}'s deployment group; none when it has no group. */
  private List<MarathonApp> deploymentPeers(MarathonApp app) {
    String group = ProxyTranslator.deploymentGroup(app);
    if (group == null) {
      return List.of();
    }
    List<String> ids;
    synchronized (dirty) {
      ids = deploymentGroups.peers(app.id(), group);
    }
    return ids.stream().map(model::app).filter(java.util.Objects::nonNull).toList();
  }

  /** Removes objects of this Marathon's apps that are no longer in the model. */
  private void sweep() {
    Set<String> live = new HashSet<>();
    model.snapshot().apps().forEach(a -> live.add(a.id()));
    Set<String> gone = new HashSet<>();
    for (VirtualService vs : AppObjects.services(policy(), "")) {
      if (ours(vs.getMeta().getSource())
          && !live.contains(vs.getMeta().getSource().getMarathonAppId())) {
        gone.add(vs.getMeta().getSource().getMarathonAppId());
      }
    }
    for (Pool pool : AppObjects.pools(policy(), "")) {
      if (ours(pool.getMeta().getSource())
          && !live.contains(pool.getMeta().getSource().getMarathonAppId())) {
        gone.add(pool.getMeta().getSource().getMarathonAppId());
      }
    }
    gone.forEach(this::write);
  }

  private boolean ours(ObjectSource source) {
    String name = framework.equals("default") ? "" : framework;
    return source.getKind() == ObjectSource.Kind.KIND_MARATHON_APP
        && source.getMarathonFramework().equals(name);
  }

  private interface Write {
    void run();
  }

  /** A write policy-svc may refuse for this app alone (INVALID_ARGUMENT, FAILED_PRECONDITION). */
  private static void call(Write write, String object, List<LabelError> refusals) {
    try {
      write.run();
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.INVALID_ARGUMENT
          || code == Status.Code.FAILED_PRECONDITION
          || code == Status.Code.ALREADY_EXISTS) {
        String description = String.valueOf(e.getStatus().getDescription());
        String errorCode =
            description.contains("already used")
                ? "VIP_CONFLICT"
                : description.contains("already served") ? "HOST_CONFLICT" : "REFUSED_BY_POLICY";
        refusals.add(new LabelError("avi_proxy", object, errorCode, description));
      } else {
        throw e;
      }
    }
  }

  private PolicyServiceGrpc.PolicyServiceBlockingStub policy() {
    return policy.withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** One log line per app while its errors stay the same. */
  private void logOnce(String appId, List<LabelError> errors) {
    if (!errors.equals(failing.put(appId, errors))) {
      LabelError first = errors.get(0);
      log.warn(
          "[{}] app {}: label {}{} ({}): {}; its proxy objects are left as they were",
          framework,
          appId,
          first.label(),
          first.field().isEmpty() ? "" : " field " + first.field(),
          first.code(),
          first.message());
    }
  }

  private void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis()); // the writer's own thread: this is the coalescing window
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    model.removeListener(onChange);
    worker.interrupt();
    try {
      worker.join(Duration.ofSeconds(5).toMillis()); // a successor must not race this writer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
