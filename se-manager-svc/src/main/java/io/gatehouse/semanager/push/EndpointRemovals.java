package io.gatehouse.semanager.push;

import io.gatehouse.api.semanager.v1.Resource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a pool changed only by losing endpoints, which an engine is sent as a small endpoint
 * update instead of the whole pool: the engine stops using them at once. The last answer is kept:
 * engines alike ask about the same two pool objects one after another, during one publish.
 */
final class EndpointRemovals {
  private Resource lastPrevious;
  private Resource lastNext;
  private List<String> lastRemoved;

  /**
   * The ids of the endpoints {@code next} lost against {@code previous}; empty when anything else
   * changed too (settings, endpoints added or changed) or none was lost.
   */
  List<String> between(Resource previous, Resource next) {
    if (previous != lastPrevious || next != lastNext) {
      lastRemoved = of(previous, next);
      lastPrevious = previous;
      lastNext = next;
    }
    return lastRemoved;
  }

  private static List<String> of(Resource previous, Resource next) {
    var before = previous.getPool();
    var after = next.getPool();
    if (!before.toBuilder()
        .clearEndpoints()
        .build()
        .equals(after.toBuilder().clearEndpoints().build())) {
      return List.of();
    }
    Set<String> kept = new HashSet<>();
    after.getEndpointsList().forEach(e -> kept.add(e.getId()));
    Set<String> had = new HashSet<>();
    before.getEndpointsList().forEach(e -> had.add(e.getId()));
    if (!had.containsAll(kept) || had.size() == kept.size()) {
      return List.of(); // endpoints were added or changed
    }
    return before.getEndpointsList().stream()
        .map(e -> e.getId())
        .filter(id -> !kept.contains(id))
        .toList();
  }
}
