package io.gatehouse.semanager.push;

import io.gatehouse.api.semanager.v1.Ack;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.DrainOrder;
import io.gatehouse.api.semanager.v1.Nack;
import io.gatehouse.api.semanager.v1.RejectedResource;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ResourceVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the desired resources to every connected engine, xDS-style: each resource is versioned on
 * its own, an engine gets only what changed (upserts in apply order, then removals in reverse
 * order, so nothing is removed while something still refers to it), and it answers each update with
 * an ACK of the versions it applied or a NACK of those it rejected. A NACKed version is never sent
 * to that engine again — only a new version of the resource is. An engine that connects gets the
 * full state; one that serves resources already (it reconnects, to this replica or from another)
 * gets only what differs from those ({@link EngineSession#start}). A pool that only lost endpoints
 * (a task killed) goes out at once as a small endpoint update, when the engine runs the pool's
 * previous version.
 */
public final class ConfigPush {
  private static final Logger log = LoggerFactory.getLogger(ConfigPush.class);

  /**
   * A connected engine as its hello describes it.
   *
   * @param id its id
   * @param seGroup its SE group ("" for the default)
   * @param hostname its node's hostname
   * @param nodeId its node's Mesos agent id ("" when it did not say)
   */
  public record EngineInfo(String id, String seGroup, String hostname, String nodeId) {}

  /** A resource's identity: its type and name. */
  public record Key(ResourceType type, String name) {}

  /** A version an engine rejected, and why. */
  public record Rejection(String version, String error) {}

  private final Map<String, EngineSession> sessions = new HashMap<>();

  /** Per engine, kept across reconnects: the versions it rejected. */
  private final Map<String, Map<Key, Rejection>> rejected = new HashMap<>();

  private final AtomicLong nonces = new AtomicLong();
  private Function<EngineInfo, ResourceSet> desired = info -> ResourceSet.empty();
  private final Propagations propagations;
  private final EndpointRemovals endpointRemovals = new EndpointRemovals();

  /** The nonces sent during the publish being made (to tie them to its cause). */
  private List<String> sentNow;

  public ConfigPush() {
    this(Clock.systemUTC());
  }

  public ConfigPush(Clock clock) {
    this.propagations = new Propagations(clock);
  }

  /** Reports propagation times to {@code listener} from now on. */
  public synchronized void onPropagation(PropagationListener listener) {
    propagations.listener(listener);
  }

  /** Makes {@code next} the desired state of every engine and sends each what changed for it. */
  public synchronized void publish(ResourceSet next) {
    publish(info -> next);
  }

  /**
   * Makes {@code next} the desired state (per engine: east-west services go everywhere, north-south
   * ones to their group) and sends every engine what changed for it.
   */
  public synchronized void publish(Function<EngineInfo, ResourceSet> next) {
    publish(next, null);
  }

  /**
   * As {@link #publish(Function)}, for a change caused at {@code cause} (the Marathon event behind
   * it): the time until each engine, and until every engine, answered what it was sent is reported
   * to the {@link PropagationListener}.
   */
  public synchronized void publish(Function<EngineInfo, ResourceSet> next, Instant cause) {
    desired = next;
    Propagations.Change change = propagations.start(cause);
    // engines alike share their sets: what changed between two sets is found once for them all,
    // so a change costs the manager its sends, not a scan of every resource per engine
    Map<ResourceSet, Map<ResourceSet, ResourceSet.Changes>> diffs = new IdentityHashMap<>();
    sessions.forEach(
        (engine, session) -> {
          ResourceSet before = session.desired;
          session.desired = next.apply(session.info);
          ResourceSet.Changes changes =
              diffs
                  .computeIfAbsent(before, b -> new IdentityHashMap<>())
                  .computeIfAbsent(session.desired, after -> after.changesSince(before));
          sentNow = new ArrayList<>();
          session.sendChanges(changes);
          propagations.sent(change, engine, sentNow);
          sentNow = null;
        });
  }

  /** A connected engine: it gets the full state now and every change from now on. */
  public synchronized void connect(String engine, EngineStream stream) {
    connect(new EngineInfo(engine, "", "", ""), List.of(), stream);
  }

  /**
   * As {@link #connect(String, EngineStream)}, with what the engine's hello says of it and the
   * resources it says it serves already: it is sent only what differs from those.
   */
  public synchronized void connect(
      EngineInfo info, List<ResourceVersion> serving, EngineStream stream) {
    EngineSession session =
        new EngineSession(
            info,
            stream,
            desired.apply(info),
            rejected.computeIfAbsent(info.id(), e -> new HashMap<>()),
            endpointRemovals,
            this::nonce);
    sessions.put(info.id(), session);
    session.start(serving);
  }

  /** The engine's stream ended; what it was sent is forgotten (a reconnect says what it serves). */
  public synchronized void disconnect(String engine, EngineStream stream) {
    EngineSession session = sessions.get(engine);
    if (session != null && session.stream == stream) {
      sessions.remove(engine);
      if (session.drained != null) {
        session.drained.complete(null); // gone: nothing more to wait for
      }
      propagations.gone(engine);
    }
  }

  /**
   * Orders {@code engine} to drain: it takes no new connections and finishes those open, within
   * {@code deadline}.
   *
   * @return completed with the connections the engine still had open at the deadline, or with null
   *     when the engine is not connected or its stream ends first
   */
  public synchronized java.util.concurrent.CompletableFuture<Long> drain(
      String engine, String reason, Duration deadline) {
    EngineSession session = sessions.get(engine);
    if (session == null) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    if (session.drained == null) {
      session.drained = new java.util.concurrent.CompletableFuture<>();
      session.stream.send(
          ConnectResponse.newBuilder()
              .setDrain(
                  DrainOrder.newBuilder()
                      .setReason(reason)
                      .setDeadline(
                          com.google.protobuf.Duration.newBuilder()
                              .setSeconds(deadline.getSeconds())
                              .setNanos(deadline.getNano())))
              .build());
    }
    return session.drained;
  }

  /** The engine finished a drain: {@code stillOpen} connections were left at the deadline. */
  public synchronized void drained(String engine, long stillOpen) {
    EngineSession session = sessions.get(engine);
    if (session != null && session.drained != null) {
      session.drained.complete(stillOpen);
    }
  }

  /** The engine applied these versions. */
  public synchronized void ack(String engine, Ack ack) {
    EngineSession session = sessions.get(engine);
    if (session == null) {
      return;
    }
    for (ResourceVersion applied : ack.getAppliedList()) {
      Key key = new Key(applied.getType(), applied.getName());
      String sent = session.sent.get(key);
      if (sent != null) { // only what it was sent: an engine's answer never grows the map
        // the version string the engines share, not one copy per engine
        session.applied.put(key, sent.equals(applied.getVersion()) ? sent : applied.getVersion());
      }
    }
    propagations.answered(engine, ack.getNonce());
  }

  /** The engine rejected these versions: they are not sent to it again. */
  public synchronized void nack(String engine, Nack nack) {
    EngineSession session = sessions.get(engine);
    if (session != null) {
      propagations.answered(engine, nack.getNonce()); // an answer too: the engine is done with it
    }
    for (RejectedResource rejection : nack.getRejectedList()) {
      ResourceVersion resource = rejection.getResource();
      Key key = new Key(resource.getType(), resource.getName());
      rejected
          .computeIfAbsent(engine, e -> new HashMap<>())
          .put(key, new Rejection(resource.getVersion(), rejection.getErrorDetail().getMessage()));
      log.warn(
          "engine {} rejected {} {} version {}: {}",
          engine,
          resource.getType(),
          resource.getName(),
          resource.getVersion(),
          rejection.getErrorDetail().getMessage());
    }
  }

  /** The version of a resource an engine last said it applied. */
  public synchronized Optional<String> applied(String engine, Key key) {
    EngineSession session = sessions.get(engine);
    return session == null ? Optional.empty() : Optional.ofNullable(session.applied.get(key));
  }

  /**
   * The rejection of a resource by an engine, while the rejected version is still the desired one.
   */
  public synchronized Optional<Rejection> rejection(String engine, Key key) {
    Rejection rejection = rejected.getOrDefault(engine, Map.of()).get(key);
    EngineSession session = sessions.get(engine);
    Resource wanted = session == null ? null : session.desired.ofType(key.type()).get(key.name());
    return rejection != null && wanted != null && wanted.getVersion().equals(rejection.version())
        ? Optional.of(rejection)
        : Optional.empty();
  }

  /** Every virtual service of the connected engines' desired states, by name. */
  public synchronized List<ConvergenceReport.Convergence> convergence() {
    return ConvergenceReport.virtualServices(
        sessions.entrySet().stream().map(e -> view(e.getKey(), e.getValue())).toList());
  }

  /** Every resource a connected engine should run, in apply order; empty when not connected. */
  public synchronized List<ConvergenceReport.ResourceState> resources(String engine) {
    EngineSession session = sessions.get(engine);
    return session == null ? List.of() : ConvergenceReport.resources(view(engine, session));
  }

  /** What is known of a connected engine, for a report (under this push's lock). */
  private ConvergenceReport.EngineView view(String engine, EngineSession session) {
    return new ConvergenceReport.EngineView(
        engine, session.desired, session.applied, rejected.getOrDefault(engine, Map.of()));
  }

  /** The engines connected now. */
  public synchronized List<String> engines() {
    return List.copyOf(sessions.keySet());
  }

  /** A new nonce, remembered when a publish with a cause is being made. */
  private String nonce() {
    String nonce = Long.toString(nonces.incrementAndGet());
    if (sentNow != null) {
      sentNow.add(nonce);
    }
    return nonce;
  }
}
