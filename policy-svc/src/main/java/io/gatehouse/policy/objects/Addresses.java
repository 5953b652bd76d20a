package io.gatehouse.policy.objects;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address and CIDR parsing that never touches DNS: only literal IPv4 and IPv6 addresses are
 * accepted.
 */
public final class Addresses {
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private Addresses() {}

  /** A CIDR block: its network address and prefix length. */
  public record Cidr(InetAddress network, int prefixLength) {
    /** Whether {@code address} lies in this block (same family only). */
    public boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      byte[] n = network.getAddress();
      if (a.length != n.length) {
        return false;
      }
      return prefix(a, prefixLength).equals(prefix(n, prefixLength));
    }

    /** Addresses in the block. */
    public BigInteger size() {
      return BigInteger.ONE.shiftLeft(network.getAddress().length * 8 - prefixLength);
    }

    /** The {@code offset}-th address of the block. */
    public InetAddress address(BigInteger offset) {
      byte[] n = network.getAddress();
      byte[] sum = new BigInteger(1, n).add(offset).toByteArray();
      byte[] out = new byte[n.length];
      int copy = Math.min(sum.length, out.length);
      System.arraycopy(sum, sum.length - copy, out, out.length - copy, copy);
      try {
        return InetAddress.getByAddress(out);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public String toString() {
      return network.getHostAddress() + "/" + prefixLength;
    }
  }

  /** A literal IP address, or null when {@code text} is not one. */
  public static InetAddress parseIp(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    boolean v4 = IPV4.matcher(text).matches();
    boolean v6 = text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches();
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(text); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** A CIDR block ("10.0.0.0/8", or a bare address as /32 or /128), or null when invalid. */
  public static Cidr parseCidr(String text) {
    if (text == null) {
      return null;
    }
    int slash = text.indexOf('/');
    InetAddress address = parseIp(slash < 0 ? text : text.substring(0, slash));
    if (address == null) {
      return null;
    }
    int bits = address.getAddress().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        return null;
      }
      if (prefix < 0 || prefix > bits) {
        return null;
      }
    }
    byte[] network = address.getAddress();
    try {
      return new Cidr(InetAddress.getByAddress(mask(network, prefix)), prefix);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static BigInteger prefix(byte[] address, int prefixLength) {
    return new BigInteger(1, address).shiftRight(address.length * 8 - prefixLength);
  }

  private static byte[] mask(byte[] address, int prefixLength) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }
}
