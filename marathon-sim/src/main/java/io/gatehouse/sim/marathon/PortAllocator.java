package io.gatehouse.sim.marathon;

import java.util.HashSet;
import java.util.Set;

/** Hands out ports from a range, never one that is in use. Used on the state thread only. */
final class PortAllocator {
  private final int first;
  private final int last;
  private final Set<Integer> used = new HashSet<>();
  private int next;

  PortAllocator(int first, int last) {
    this.first = first;
    this.last = last;
    this.next = first;
  }

  /** The next free port of the range; -1 when the range is exhausted. */
  int allocate() {
    if (used.size() > last - first) {
      return -1; // full: answer at once, as every reconcile pass asks again for unplaced tasks
    }
    for (int i = 0; i <= last - first; i++) {
      int candidate = next;
      next = next == last ? first : next + 1;
      if (used.add(candidate)) {
        return candidate;
      }
    }
    return -1;
  }

  /** Marks a specific port used; false when it already was. */
  boolean claim(int port) {
    return used.add(port);
  }

  void release(int port) {
    used.remove(port);
  }
}
