package io.gatehouse.grpc.targets;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Resolves an address list ({@code gatehouse-addresses:///a:1,b:2}) to every address of every
 * entry, in the order given, each time gRPC asks (so a name's new records are seen). The channel's
 * authority is the first entry's.
 */
final class AddressListResolverProvider extends NameResolverProvider {
  static final String SCHEME = "gatehouse-addresses";

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  @Override
  public NameResolver newNameResolver(URI target, NameResolver.Args args) {
    if (!SCHEME.equals(target.getScheme())) {
      return null;
    }
    List<String> entries = GrpcTargets.addresses(target.getPath().substring(1));
    return new NameResolver() {
      private Listener2 listener;

      @Override
      public String getServiceAuthority() {
        return entries.get(0);
      }

      @Override
      public void start(Listener2 listener) {
        this.listener = listener;
        resolve();
      }

      @Override
      public void refresh() {
        resolve();
      }

      private void resolve() {
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String entry : entries) {
          int colon = entry.lastIndexOf(':');
          String host = entry.substring(0, colon).replaceAll("^\\[|\\]$", "");
          int port = Integer.parseInt(entry.substring(colon + 1));
          try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
              groups.add(new EquivalentAddressGroup(new InetSocketAddress(address, port)));
            }
          } catch (UnknownHostException e) {
            unknown.add(host); // the others may answer
          }
        }
        if (groups.isEmpty()) {
          listener.onError(
              Status.UNAVAILABLE.withDescription("no address of " + unknown + " resolves"));
          return;
        }
        listener.onResult(
            ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups)).build());
      }

      @Override
      public void shutdown() {}
    };
  }
}
