package io.gatehouse.engine.pool;

import io.gatehouse.engine.config.LbAlgorithm;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** Picks the member for the next request or connection among a pool's members. */
interface LoadBalancer {
  /** A member that is up and not in {@code exclude}; null when there is none. */
  Endpoint pick(Set<Endpoint> exclude);

  /** The balancer of {@code algorithm} over {@code members}. */
  static LoadBalancer of(LbAlgorithm algorithm, List<Endpoint> members) {
    return switch (algorithm) {
      case ROUND_ROBIN -> new RoundRobin(members);
      case LEAST_CONNECTIONS -> new LeastConnections(members);
    };
  }

  /**
   * Each member in turn, as often as its weight: the members are laid out on a wheel, interleaved
   * (weights 3 and 1 give a, b, a, a rather than a, a, a, b), and a shared counter walks it.
   */
  final class RoundRobin implements LoadBalancer {
    private final Endpoint[] wheel;
    private final AtomicInteger next = new AtomicInteger();

    RoundRobin(List<Endpoint> members) {
      int total = members.stream().mapToInt(Endpoint::weight).sum();
      wheel = new Endpoint[total];
      // smooth weighted round robin: each slot goes to the member furthest behind its share
      int[] current = new int[members.size()];
      for (int slot = 0; slot < total; slot++) {
        int best = 0;
        for (int i = 0; i < members.size(); i++) {
          current[i] += members.get(i).weight();
          if (current[i] > current[best]) {
            best = i;
          }
        }
        current[best] -= total;
        wheel[slot] = members.get(best);
      }
    }

    @Override
    public Endpoint pick(Set<Endpoint> exclude) {
      int length = wheel.length;
      if (length == 0) {
        return null;
      }
      int start = Math.floorMod(next.getAndIncrement(), length);
      for (int i = 0; i < length; i++) {
        Endpoint candidate = wheel[(start + i) % length];
        if (candidate.up() && !exclude.contains(candidate)) {
          return candidate;
        }
      }
      return null;
    }
  }

  /**
   * The member with the fewest requests in flight per unit of weight; ties go round, so an idle
   * pool still spreads its traffic.
   */
  final class LeastConnections implements LoadBalancer {
    private final List<Endpoint> members;
    private final AtomicInteger offset = new AtomicInteger();

    LeastConnections(List<Endpoint> members) {
      this.members = members;
    }

    @Override
    public Endpoint pick(Set<Endpoint> exclude) {
      int size = members.size();
      if (size == 0) {
        return null;
      }
      int start = Math.floorMod(offset.getAndIncrement(), size);
      Endpoint best = null;
      for (int i = 0; i < size; i++) {
        Endpoint candidate = members.get((start + i) % size);
        if (!candidate.up() || exclude.contains(candidate)) {
          continue;
        }
        // a/wa < b/wb without division: a*wb < b*wa
        if (best == null
            || (long) candidate.inFlight() * best.weight()
                < (long) best.inFlight() * candidate.weight()) {
          best = candidate;
        }
      }
      return best;
    }
  }
}
