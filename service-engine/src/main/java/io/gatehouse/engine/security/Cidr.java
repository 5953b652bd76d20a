package io.gatehouse.engine.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is one host. */
public record Cidr(byte[] network, int prefix) {
  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static Cidr parse(String text) {
    String[] parts = text.trim().split("/", 2);
    if (parts[0].isEmpty() || !parts[0].matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException("\"" + text + "\" is not an address or address/prefix");
    }
    byte[] address;
    try {
      address = InetAddress.getByName(parts[0]).getAddress(); // a literal: no name lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not an address or address/prefix");
    }
    int bits = address.length * 8;
    int prefix;
    try {
      prefix = parts.length == 1 ? bits : Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" has a prefix that is not a number");
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("\"" + text + "\": the prefix must be 0-" + bits);
    }
    return new Cidr(address, prefix);
  }

  /** Whether {@code address} lies in the range (an IPv4 address never matches an IPv6 range). */
  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  /** Whether the address of these bytes (4 or 16) lies in the range. */
  public boolean contains(byte[] candidate) {
    if (candidate.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest);
    return (candidate[full] & mask) == (network[full] & mask);
  }
}
