package io.gatehouse.semanager.push;

import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.EndpointUpdate;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.api.semanager.v1.ResourceUpdate;
import io.gatehouse.api.semanager.v1.ResourceVersion;
import io.gatehouse.semanager.push.ConfigPush.EngineInfo;
import io.gatehouse.semanager.push.ConfigPush.Key;
import io.gatehouse.semanager.push.ConfigPush.Rejection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One connected engine's stream: what it should run, what it was sent and applied of each resource,
 * and the updates that bring it from one to the other. Used under {@link ConfigPush}'s lock.
 */
final class EngineSession {
  /** The most resources a hello may say the engine serves before it is simply sent everything. */
  static final int MAX_SERVING = 200_000;

  final EngineInfo info;
  final EngineStream stream;
  final Map<Key, String> sent = new HashMap<>();
  final Map<Key, String> applied = new HashMap<>();

  /** The pools as last sent, to tell a removal of endpoints from any other change. */
  private final Map<String, Resource> sentPools = new HashMap<>();

  /** The versions this engine rejected, kept by the push across reconnects. */
  private final Map<Key, Rejection> rejected;

  private final EndpointRemovals endpointRemovals;
  private final Supplier<String> nonces;

  ResourceSet desired;

  /** Completed when the engine reports a drain this manager ordered (or its stream ends). */
  CompletableFuture<Long> drained;

  EngineSession(
      EngineInfo info,
      EngineStream stream,
      ResourceSet desired,
      Map<Key, Rejection> rejected,
      EndpointRemovals endpointRemovals,
      Supplier<String> nonces) {
    this.info = info;
    this.stream = stream;
    this.desired = desired;
    this.rejected = rejected;
    this.endpointRemovals = endpointRemovals;
    this.nonces = nonces;
  }

  /**
   * Brings the engine to its desired state. An engine that says it serves nothing gets the full
   * state; one that serves resources already (it ran them before, under this replica or another)
   * gets only what differs: the resources it lacks or runs at another version, and the removal of
   * those it should not run. Versions are digests of the bodies, so a resource at the desired
   * version is the desired body.
   */
  void start(List<ResourceVersion> serving) {
    if (serving.isEmpty() || serving.size() > MAX_SERVING) {
      for (ResourceType type : ResourceSet.APPLY_ORDER) {
        send(type, upserts(type, desired.ofType(type).values(), true), List.of(), true);
      }
      return;
    }
    Map<ResourceType, List<String>> notWanted = new EnumMap<>(ResourceType.class);
    for (ResourceVersion has : serving) {
      if (!ResourceSet.APPLY_ORDER.contains(has.getType())) {
        continue; // not a type this manager sends
      }
      Resource wanted = desired.ofType(has.getType()).get(has.getName());
      if (wanted == null) {
        notWanted.computeIfAbsent(has.getType(), t -> new ArrayList<>()).add(has.getName());
        sent.put(new Key(has.getType(), has.getName()), has.getVersion()); // to remove below
      } else if (wanted.getVersion().equals(has.getVersion())) {
        Key key = new Key(has.getType(), wanted.getName());
        sent.put(key, wanted.getVersion());
        applied.put(key, wanted.getVersion());
        if (has.getType() == ResourceType.RESOURCE_TYPE_POOL) {
          sentPools.put(wanted.getName(), wanted);
        }
      }
    }
    Map<ResourceType, List<Resource>> upserted = new EnumMap<>(ResourceType.class);
    for (ResourceType type : ResourceSet.APPLY_ORDER) {
      upserted.put(type, List.copyOf(desired.ofType(type).values()));
    }
    sendChanges(new ResourceSet.Changes(upserted, notWanted));
  }

  /**
   * Sends the engine what {@code changes} holds for it. Only the changed resources are looked at:
   * after every send an engine has been sent each resource of its desired set at its version (or
   * rejected that version), so a resource that did not change needs nothing.
   */
  void sendChanges(ResourceSet.Changes changes) {
    for (ResourceType type : ResourceSet.APPLY_ORDER) {
      List<Resource> upserts = upserts(type, changes.upserted(type), false);
      if (!upserts.isEmpty()) {
        send(type, upserts, List.of(), false);
      }
    }
    for (ResourceType type : ResourceSet.REMOVE_ORDER) {
      List<String> removed = new ArrayList<>();
      for (String name : changes.removed(type)) {
        if (sent.remove(new Key(type, name)) != null) {
          removed.add(name);
        }
      }
      if (!removed.isEmpty()) {
        send(type, List.of(), removed, false);
      }
    }
  }

  /**
   * Of {@code candidates} (resources of {@code type}), those to send whole, noted as sent; a pool
   * that only lost endpoints goes out at once as an endpoint update instead.
   */
  private List<Resource> upserts(
      ResourceType type, Collection<Resource> candidates, boolean fullState) {
    List<Resource> upserts = new ArrayList<>();
    for (Resource resource : candidates) {
      Key key = new Key(type, resource.getName());
      Rejection refused = rejected.get(key);
      if (refused != null && refused.version().equals(resource.getVersion())) {
        continue; // never resend a rejected version
      }
      if (fullState || !resource.getVersion().equals(sent.get(key))) {
        if (!fullState && type == ResourceType.RESOURCE_TYPE_POOL && sendRemovals(key, resource)) {
          continue; // went out at once as a small endpoint update
        }
        upserts.add(resource);
        sent.put(key, resource.getVersion());
        if (type == ResourceType.RESOURCE_TYPE_POOL) {
          sentPools.put(resource.getName(), resource);
        }
      }
    }
    return upserts;
  }

  /**
   * When a pool the engine applied changed only by losing endpoints, sends just their removal (an
   * endpoint update from the applied version to the new one). Answers whether it did.
   */
  private boolean sendRemovals(Key key, Resource next) {
    Resource previous = sentPools.get(key.name());
    if (previous == null || !previous.getVersion().equals(applied.get(key))) {
      return false; // the engine does not run what was sent: it gets the whole pool
    }
    List<String> removed = endpointRemovals.between(previous, next);
    if (removed.isEmpty()) {
      return false;
    }
    stream.send(
        ConnectResponse.newBuilder()
            .setEndpointUpdate(
                EndpointUpdate.newBuilder()
                    .setNonce(nonces.get())
                    .setPool(key.name())
                    .setVersion(next.getVersion())
                    .setBaseVersion(previous.getVersion())
                    .addAllRemoved(removed))
            .build());
    sent.put(key, next.getVersion());
    sentPools.put(key.name(), next);
    return true;
  }

  private void send(ResourceType type, List<Resource> upserts, List<String> removed, boolean full) {
    stream.send(
        ConnectResponse.newBuilder()
            .setUpdate(
                ResourceUpdate.newBuilder()
                    .setNonce(nonces.get())
                    .setType(type)
                    .addAllResources(upserts)
                    .addAllRemoved(removed)
                    .setFullState(full))
            .build());
  }
}
