package io.gatehouse.engine.udp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts a UDP listener's sessions by the client's network: its /24 for IPv4, its /64 for IPv6 (the
 * block one subscriber or one spoofing host is likely to hold). Confined to the listener's event
 * loop.
 */
final class SourceNetworks {
  private final int maxPerNetwork;
  private final Map<Object, Integer> sessions = new HashMap<>();

  SourceNetworks(int maxPerNetwork) {
    this.maxPerNetwork = maxPerNetwork;
  }

  /** Counts one more session from {@code client}'s network, unless the network has its most. */
  boolean admit(InetAddress client) {
    Object network = network(client);
    int now = sessions.getOrDefault(network, 0);
    if (now >= maxPerNetwork) {
      return false;
    }
    sessions.put(network, now + 1);
    return true;
  }

  /** A session from {@code client}'s network ended. */
  void release(InetAddress client) {
    sessions.computeIfPresent(network(client), (network, n) -> n > 1 ? n - 1 : null);
  }

  /** An Integer for an IPv4 /24, a Long for an IPv6 /64: keys of the two never equal. */
  private static Object network(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      return ByteBuffer.wrap(bytes).getInt() & 0xFFFFFF00;
    }
    return ByteBuffer.wrap(bytes).getLong();
  }
}
