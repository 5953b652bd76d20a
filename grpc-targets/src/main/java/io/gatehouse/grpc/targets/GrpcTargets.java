package io.gatehouse.grpc.targets;

import io.grpc.NameResolverRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * The gRPC target of an internal client, from what an operator gives: {@code host:port} as gRPC
 * takes it (a DNS name with several records is tried record by record), or several replicas'
 * addresses separated by commas ({@code se-manager-1:9103,se-manager-2:9103}). A list becomes one
 * channel over every address: gRPC connects to the first that answers and, when its connection
 * goes, to the next that does, so a client moves to another replica by itself.
 */
public final class GrpcTargets {
  /** The most addresses a list may have. */
  public static final int MAX_ADDRESSES = 16;

  static {
    NameResolverRegistry.getDefaultRegistry().register(new AddressListResolverProvider());
  }

  private GrpcTargets() {}

  /**
   * The gRPC target for {@code target}: unchanged when it is one address, an address list's target
   * when it names several.
   *
   * @throws IllegalArgumentException naming the entry, when a list's entry is not host:port
   */
  public static String of(String target) {
    if (!target.contains(",")) {
      return target;
    }
    try {
      // quoted as a URI path: an IPv6 entry's brackets are not allowed there as they are
      return new URI(
              AddressListResolverProvider.SCHEME,
              "",
              "/" + String.join(",", addresses(target)),
              null)
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("\"" + target + "\" is not an address list", e);
    }
  }

  /**
   * The entries of an address list (or of one address), checked: host:port, a port 1-65535, at most
   * 16.
   *
   * @throws IllegalArgumentException naming the entry that is not host:port
   */
  public static List<String> addresses(String list) {
    List<String> entries = new ArrayList<>();
    for (String entry : list.split(",", -1)) {
      String address = entry.strip();
      int colon = address.lastIndexOf(':');
      int port;
      try {
        port = colon > 0 ? Integer.parseInt(address.substring(colon + 1)) : -1;
      } catch (NumberFormatException e) {
        port = -1;
      }
      String host = colon > 0 ? address.substring(0, colon) : "";
      if (port < 1 || port > 65535 || host.isEmpty() || !host.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
        throw new IllegalArgumentException(
            "\"" + entry + "\" in an address list is not host:port with a port 1-65535");
      }
      entries.add(address);
    }
    if (entries.size() > MAX_ADDRESSES) {
      throw new IllegalArgumentException(
          "an address list has at most " + MAX_ADDRESSES + " addresses, not " + entries.size());
    }
    return entries;
  }
}
