package io.gatehouse.engine.pool;

import io.gatehouse.engine.config.LbAlgorithm;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/** Picks the member for the next request or connection among a pool's members. */
interface LoadBalancer {
  /**
   * A member that is up and not in {@code exclude}; null when there is none.
   *
   * @param key what a hashing balancer hashes (the client address or a header value); others ignore
   *     it
   */
  Endpoint pick(CharSequence key, Set<Endpoint> exclude);

  /** The balancer of {@code algorithm} over {@code members}. */
  static LoadBalancer of(LbAlgorithm algorithm, List<Endpoint> members) {
    return switch (algorithm) {
      case ROUND_ROBIN -> new RoundRobin(members);
      case LEAST_CONNECTIONS -> LowestCost.leastConnections(members);
      case FASTEST_RESPONSE -> LowestCost.fastestResponse(members);
      case CONSISTENT_HASH -> new RingHash(members);
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
    public Endpoint pick(CharSequence key, Set<Endpoint> exclude) {
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
   * The member with the lowest cost; ties go round (the scan starts one member further each time),
   * so equal members share the traffic.
   */
  final class LowestCost implements LoadBalancer {
    private final List<Endpoint> members;
    private final ToDoubleFunction<Endpoint> cost;
    private final AtomicInteger offset = new AtomicInteger();

    LowestCost(List<Endpoint> members, ToDoubleFunction<Endpoint> cost) {
      this.members = members;
      this.cost = cost;
    }

    /** Fewest requests in flight per unit of weight. */
    static LowestCost leastConnections(List<Endpoint> members) {
      return new LowestCost(members, m -> (double) m.inFlight() / m.weight());
    }

    /**
     * Lowest moving average of response time times (requests in flight + 1), per unit of weight: a
     * slow member and a busy one both look expensive, and a member without a response yet costs
     * nothing, so it gets tried.
     */
    static LowestCost fastestResponse(List<Endpoint> members) {
      return new LowestCost(members, m -> m.responseEwmaNanos() * (m.inFlight() + 1) / m.weight());
    }

    @Override
    public Endpoint pick(CharSequence key, Set<Endpoint> exclude) {
      int size = members.size();
      if (size == 0) {
        return null;
      }
      int start = Math.floorMod(offset.getAndIncrement(), size);
      Endpoint best = null;
      double bestCost = Double.MAX_VALUE;
      for (int i = 0; i < size; i++) {
        Endpoint candidate = members.get((start + i) % size);
        if (!candidate.up() || exclude.contains(candidate)) {
          continue;
        }
        double candidateCost = cost.applyAsDouble(candidate);
        if (best == null || candidateCost < bestCost) {
          best = candidate;
          bestCost = candidateCost;
        }
      }
      return best;
    }
  }

  /**
   * A hash ring with 160 points per unit of weight per member: a key goes to the first point at or
   * after its hash, and on to the next member's points while that member is down or excluded.
   */
  final class RingHash implements LoadBalancer {
    private static final int POINTS_PER_WEIGHT = 160;
    private final long[] points;
    private final Endpoint[] owners;
    private final AtomicInteger fallback = new AtomicInteger();

    RingHash(List<Endpoint> members) {
      java.util.TreeMap<Long, Endpoint> ring = new java.util.TreeMap<>();
      for (Endpoint member : members) {
        for (int i = 0; i < POINTS_PER_WEIGHT * member.weight(); i++) {
          ring.put(hash(member.id() + "#" + i), member);
        }
      }
      points = new long[ring.size()];
      owners = new Endpoint[ring.size()];
      int i = 0;
      for (var point : ring.entrySet()) {
        points[i] = point.getKey();
        owners[i] = point.getValue();
        i++;
      }
    }

    @Override
    public Endpoint pick(CharSequence key, Set<Endpoint> exclude) {
      if (points.length == 0) {
        return null;
      }
      long hash = key == null ? fallback.getAndIncrement() : hash(key);
      int at = java.util.Arrays.binarySearch(points, hash);
      int start = at >= 0 ? at : -at - 1;
      for (int i = 0; i < points.length; i++) {
        Endpoint owner = owners[(start + i) % points.length];
        if (owner.up() && !exclude.contains(owner)) {
          return owner;
        }
      }
      return null;
    }

    /** 64-bit FNV-1a over the characters, finished with a splitmix64 mix for spread. */
    static long hash(CharSequence text) {
      long h = 0xcbf29ce484222325L;
      for (int i = 0; i < text.length(); i++) {
        h ^= text.charAt(i);
        h *= 0x100000001b3L;
      }
      h ^= h >>> 30;
      h *= 0xbf58476d1ce4e5b9L;
      h ^= h >>> 27;
      h *= 0x94d049bb133111ebL;
      return h ^ (h >>> 31);
    }
  }
}
