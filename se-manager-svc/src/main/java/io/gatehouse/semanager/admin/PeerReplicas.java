package io.gatehouse.semanager.admin;

import com.google.common.util.concurrent.ListenableFuture;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.gatehouse.common.grpc.BearerToken;
import io.gatehouse.common.tls.GrpcTls;
import io.gatehouse.grpc.targets.GrpcTargets;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The other replicas of se-manager-svc, asked on an operator's behalf about the engines connected
 * to them: {@code gatehouse.semanager.peers} (else the address engines are given, {@code
 * gatehouse.semanager.lifecycle.manager-address}) lists every replica's address, this one's too, or
 * is a DNS name whose every record is a replica (the first 16). Their certificates are checked
 * against the name asked, or {@code gatehouse.semanager.peers-server-name}. A replica knows itself
 * in the answers by its name.
 */
@Singleton
final class PeerReplicas {
  /** How long a replica has to answer. */
  static final long DEADLINE_SECONDS = 3;

  private static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;

  private final List<String> targets;
  private final GrpcTls tls;
  private final String serverName;
  private final Map<InetSocketAddress, ManagedChannel> channels = new HashMap<>();

  PeerReplicas(
      GrpcTls tls,
      @Value("${gatehouse.semanager.peers:}") String peers,
      @Value("${gatehouse.semanager.lifecycle.manager-address:}") String managerAddress,
      @Value("${gatehouse.semanager.peers-server-name:}") String serverName) {
    this.tls = tls;
    this.serverName = serverName;
    String list = peers.isBlank() ? managerAddress : peers;
    try {
      this.targets = list.isBlank() ? List.of() : GrpcTargets.addresses(list);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          (peers.isBlank()
                  ? "gatehouse.semanager.lifecycle.manager-address"
                  : "gatehouse.semanager.peers")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Whether any replica is known: without, this one answers alone. */
  boolean known() {
    return !targets.isEmpty();
  }

  /**
   * What a replica answered: its answer, or why none came (its address then says which).
   *
   * @param address the replica's address as asked
   * @param answer its answer; null when none came
   * @param error why none came; null with an answer
   */
  record Answer<T>(String address, T answer, Status error) {}

  /**
   * Every replica's answer to {@code call}, asked with {@code token} (the operator's) within the
   * deadline; this replica's own answer is among them when it is listed. One call at a time: the
   * channels are kept between calls.
   */
  synchronized <T> List<Answer<T>> ask(
      Function<ServiceEngineAdminGrpc.ServiceEngineAdminFutureStub, ListenableFuture<T>> call,
      String token) {
    List<Answer<T>> answers = new ArrayList<>();
    List<Map.Entry<String, ListenableFuture<T>>> asked = new ArrayList<>();
    Set<InetSocketAddress> current = new HashSet<>();
    for (String target : targets) {
      int colon = target.lastIndexOf(':');
      String host = target.substring(0, colon).replace("[", "").replace("]", "");
      int port = Integer.parseInt(target.substring(colon + 1));
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(host);
      } catch (UnknownHostException e) {
        answers.add(new Answer<>(target, null, Status.UNAVAILABLE.withDescription("unknown host")));
        continue;
      }
      for (int i = 0; i < Math.min(addresses.length, GrpcTargets.MAX_ADDRESSES); i++) {
        InetSocketAddress socket = new InetSocketAddress(addresses[i], port);
        current.add(socket);
        ManagedChannel channel =
            channels.computeIfAbsent(
                socket, a -> tls.channel(a, serverName.isBlank() ? target : serverName));
        asked.add(
            Map.entry(
                addresses[i].getHostAddress() + ":" + port,
                call.apply(
                    ServiceEngineAdminGrpc.newFutureStub(BearerToken.attach(channel, token))
                        .withMaxInboundMessageSize(MAX_ANSWER_BYTES)
                        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS))));
      }
    }
    for (Map.Entry<String, ListenableFuture<T>> one : asked) {
      try {
        answers.add(new Answer<>(one.getKey(), one.getValue().get(), null));
      } catch (ExecutionException e) {
        answers.add(new Answer<>(one.getKey(), null, Status.fromThrowable(e.getCause())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        answers.add(new Answer<>(one.getKey(), null, Status.CANCELLED));
      }
    }
    // a name's records change: channels to addresses it no longer has go
    channels
        .entrySet()
        .removeIf(
            e -> {
              if (current.contains(e.getKey())) {
                return false;
              }
              e.getValue().shutdownNow();
              return true;
            });
    return answers;
  }

  @PreDestroy
  synchronized void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
