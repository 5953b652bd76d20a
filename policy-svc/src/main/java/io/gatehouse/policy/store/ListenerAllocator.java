package io.gatehouse.policy.store;

import com.google.protobuf.Message;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.policy.internal.ObjectRef;
import io.gatehouse.policy.objects.Addresses;
import io.gatehouse.policy.objects.PolicyKind;
import io.gatehouse.policy.objects.PolicyKind.ListenerClaim;
import io.gatehouse.policy.objects.Violations;
import io.gatehouse.policy.objects.VirtualServiceKind;
import jakarta.inject.Singleton;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Claims the sockets virtual services listen on: rejects a (VIP, port, protocol) or east-west
 * (port, protocol) another virtual service holds, and allocates VIPs from a subnet. Runs inside the
 * serialized write transaction, so check-then-insert cannot race.
 */
@Singleton
final class ListenerAllocator {
  /** Candidates tried in a subnet before giving up. */
  static final int MAX_PROBES = 65_536;

  private final ObjectRepository repository;

  ListenerAllocator(ObjectRepository repository) {
    this.repository = repository;
  }

  /** The object with its VIP allocated; INVALID_ARGUMENT when a socket is taken. */
  <T extends Message> T place(Connection c, PolicyKind<T> kind, ObjectRef ref, T object)
      throws SQLException {
    List<ListenerClaim> claims = kind.listeners(object);
    if (!(object instanceof VirtualService vs) || !vs.getVhParentVsRef().isEmpty()) {
      return object; // a child listens on its parent's sockets
    }
    Violations v = Violations.at(kind.field());
    String address = vipAddress(c, vs, ref, v);
    for (ListenerClaim claim : claims) {
      String at = claim.address() != null ? claim.address() : address;
      if (at == null) {
        continue;
      }
      String owner = repository.listenerOwner(c, at, claim, ref.name());
      if (owner != null) {
        v.add(
            claim.field(),
            describe(at, claim) + " is already used by virtual service \"" + owner + "\"");
      }
    }
    v.throwIfAny();
    VirtualService.Builder placed = vs.toBuilder();
    if (vs.getEastWest()) {
      placed.getVipBuilder().clearEffectiveAddress();
      if (placed.getVip().equals(placed.getVip().getDefaultInstanceForType())) {
        placed.clearVip();
      }
    } else {
      placed.getVipBuilder().setEffectiveAddress(address == null ? "" : address);
    }
    @SuppressWarnings("unchecked")
    T result = (T) placed.build();
    return result;
  }

  /** Records the sockets of a stored object (after its row exists). */
  void save(Connection c, PolicyKind<?> kind, ObjectRef ref, Message stored) throws SQLException {
    if (!(stored instanceof VirtualService vs)) {
      return;
    }
    @SuppressWarnings("unchecked")
    PolicyKind<VirtualService> vsKind = (PolicyKind<VirtualService>) kind;
    repository.replaceListeners(
        c, ref.name(), vs.getVip().getEffectiveAddress(), vsKind.listeners(vs));
  }

  private String vipAddress(Connection c, VirtualService vs, ObjectRef ref, Violations v)
      throws SQLException {
    if (vs.getEastWest()) {
      return VirtualServiceKind.EAST_WEST_ADDRESS;
    }
    if (vs.getVip().hasIpAddress()) {
      return Addresses.parseIp(vs.getVip().getIpAddress()).getHostAddress();
    }
    Addresses.Cidr subnet = Addresses.parseCidr(vs.getVip().getSubnet());
    String current = repository.listenerAddressOf(c, ref.name());
    if (current != null && !current.equals(VirtualServiceKind.EAST_WEST_ADDRESS)) {
      InetAddress held = Addresses.parseIp(current);
      if (held != null && subnet.contains(held)) {
        return current; // keep the VIP it already has
      }
    }
    Set<String> used = repository.listenerAddresses(c);
    BigInteger size = subnet.size();
    boolean skipEnds = subnet.network() instanceof Inet4Address && subnet.prefixLength() <= 30;
    BigInteger first = skipEnds ? BigInteger.ONE : BigInteger.ZERO;
    BigInteger end = skipEnds ? size.subtract(BigInteger.ONE) : size;
    int probes = 0;
    for (BigInteger i = first;
        i.compareTo(end) < 0 && probes < MAX_PROBES;
        i = i.add(BigInteger.ONE)) {
      probes++;
      String candidate = subnet.address(i).getHostAddress();
      if (!used.contains(candidate)) {
        return candidate;
      }
    }
    v.add("vip.subnet", "subnet " + subnet + " has no free address left to allocate");
    return null;
  }

  private static String describe(String address, ListenerClaim claim) {
    String protocol = Protocol.forNumber(claim.protocol()).name().replace("PROTOCOL_", "");
    if (address.equals(VirtualServiceKind.EAST_WEST_ADDRESS)) {
      return "east-west service port " + claim.port() + "/" + protocol;
    }
    return address + ":" + claim.port() + "/" + protocol;
  }
}
