package io.gatehouse.policy.watch;

import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.policy.store.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The most recent changes, in revision order, in a fixed-size ring. It is complete for every
 * revision above {@link #floor()}: a reader whose cursor is below the floor must read the database.
 * Revisions may have gaps (a rolled-back write consumes one), which is why completeness is tracked
 * by the floor and not by counting.
 */
final class ChangeRing {
  /** What a reader got: changes after its cursor, and the revision it has now seen up to. */
  record Slice(List<Change> changes, long reached) {}

  private final Change[] ring;
  private int start;
  private int size;
  private long floor;
  private long latest;

  ChangeRing(int capacity, long startRevision) {
    this.ring = new Change[capacity];
    this.floor = startRevision;
    this.latest = startRevision;
  }

  synchronized void append(Change change) {
    if (change.revision() <= latest) {
      return; // already held
    }
    if (size == ring.length) {
      floor = ring[start].revision();
      ring[start] = null;
      start = (start + 1) % ring.length;
      size--;
    }
    ring[(start + size) % ring.length] = change;
    size++;
    latest = change.revision();
  }

  synchronized long latest() {
    return latest;
  }

  synchronized long floor() {
    return floor;
  }

  /**
   * Up to {@code max} changes of {@code kinds} (all when empty) after {@code cursor}; null when the
   * ring no longer holds everything after the cursor.
   */
  synchronized Slice after(long cursor, Set<ObjectKind> kinds, int max) {
    if (cursor < floor) {
      return null;
    }
    List<Change> out = new ArrayList<>();
    long reached = Math.max(cursor, latest);
    for (int i = 0; i < size; i++) {
      Change c = ring[(start + i) % ring.length];
      if (c.revision() <= cursor) {
        continue;
      }
      if (kinds.isEmpty() || kinds.contains(c.kind())) {
        if (out.size() == max) {
          reached = out.get(out.size() - 1).revision();
          break;
        }
        out.add(c);
      }
    }
    return new Slice(out, reached);
  }
}
