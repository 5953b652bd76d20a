package io.gatehouse.semanager.push;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The changes with a known cause on their way to engines: which updates (by nonce) each engine has
 * yet to answer, and when the last of a change's is answered, how long it took from its cause — per
 * engine and until every engine — told to a {@link PropagationListener}. Used under {@link
 * ConfigPush}'s lock.
 */
final class Propagations {
  /** A change on its way: when it was caused, and the engines yet to answer. */
  static final class Change {
    private final Instant cause;
    private final Set<String> waitingFor = new HashSet<>();

    private Change(Instant cause) {
      this.cause = cause;
    }
  }

  private final Clock clock;
  private final Map<String, Map<String, Change>> awaiting = new HashMap<>(); // engine → nonce
  private PropagationListener listener = PropagationListener.NONE;

  Propagations(Clock clock) {
    this.clock = clock;
  }

  void listener(PropagationListener listener) {
    this.listener = listener;
  }

  /** A change caused at {@code cause}; null when the cause is not known (nothing is timed). */
  Change start(Instant cause) {
    return cause == null ? null : new Change(cause);
  }

  /** {@code engine} was sent {@code nonces} for {@code change}: it is waited for. */
  void sent(Change change, String engine, Collection<String> nonces) {
    if (change == null || nonces.isEmpty()) {
      return;
    }
    change.waitingFor.add(engine);
    Map<String, Change> ofEngine = awaiting.computeIfAbsent(engine, e -> new HashMap<>());
    nonces.forEach(nonce -> ofEngine.put(nonce, change));
  }

  /** {@code engine} answered the update {@code nonce}: a change it carried may be through. */
  void answered(String engine, String nonce) {
    Map<String, Change> ofEngine = awaiting.get(engine);
    Change change = ofEngine == null ? null : ofEngine.remove(nonce);
    if (change == null || ofEngine.containsValue(change)) {
      return;
    }
    Duration took = Duration.between(change.cause, clock.instant());
    listener.engineDone(took);
    change.waitingFor.remove(engine);
    if (change.waitingFor.isEmpty()) {
      listener.allDone(took);
    }
  }

  /** {@code engine} is gone: it is not waited for. */
  void gone(String engine) {
    Map<String, Change> ofEngine = awaiting.remove(engine);
    if (ofEngine == null) {
      return;
    }
    for (Change change : new HashSet<>(ofEngine.values())) {
      change.waitingFor.remove(engine);
      if (change.waitingFor.isEmpty()) {
        listener.allDone(Duration.between(change.cause, clock.instant()));
      }
    }
  }
}
