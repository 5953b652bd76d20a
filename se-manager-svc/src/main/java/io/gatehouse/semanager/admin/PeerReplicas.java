package io.gatehouse.semanager.admin;

import com.google.common.util.concurrent.ListenableFuture;
import io.gatehouse.api.semanager.v1.GetConvergenceRequest;
import io.gatehouse.api.semanager.v1.GetConvergenceResponse;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.gatehouse.api.semanager.v1.UnansweredReplica;
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
   * Every replica's answer to {@code request} about the engines connected to it, asked with {@code
   * token} (the operator's); a replica that does not answer within the deadline is named in an
   * answer of its own, with why. This replica's own answer is among them when it is listed. One
   * call at a time: the channels are kept between calls.
   */
  synchronized List<GetConvergenceResponse> ask(GetConvergenceRequest request, String token) {
    GetConvergenceRequest local = request.toBuilder().setThisReplicaOnly(true).build();
    List<Asked> asked = new ArrayList<>();
    List<GetConvergenceResponse> answers = new ArrayList<>();
    Set<InetSocketAddress> current = new HashSet<>();
    for (String target : targets) {
      int colon = target.lastIndexOf(':');
      String host = target.substring(0, colon).replace("[", "").replace("]", "");
      int port = Integer.parseInt(target.substring(colon + 1));
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(host);
      } catch (UnknownHostException e) {
        answers.add(unanswered(target, Status.UNAVAILABLE.withDescription("unknown host")));
        continue;
      }
      for (int i = 0; i < Math.min(addresses.length, GrpcTargets.MAX_ADDRESSES); i++) {
        InetSocketAddress socket = new InetSocketAddress(addresses[i], port);
        current.add(socket);
        ManagedChannel channel =
            channels.computeIfAbsent(
                socket, a -> tls.channel(a, serverName.isBlank() ? target : serverName));
        asked.add(
            new Asked(
                addresses[i].getHostAddress() + ":" + port,
                ServiceEngineAdminGrpc.newFutureStub(BearerToken.attach(channel, token))
                    .withMaxInboundMessageSize(MAX_ANSWER_BYTES)
                    .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .getConvergence(local)));
      }
    }
    for (Asked one : asked) {
      try {
        answers.add(one.answer().get());
      } catch (ExecutionException e) {
        answers.add(unanswered(one.address(), Status.fromThrowable(e.getCause())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        answers.add(unanswered(one.address(), Status.CANCELLED));
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

  private record Asked(String address, ListenableFuture<GetConvergenceResponse> answer) {}

  private static GetConvergenceResponse unanswered(String address, Status status) {
    return GetConvergenceResponse.newBuilder()
        .addUnansweredReplicas(
            UnansweredReplica.newBuilder()
                .setAddress(address)
                .setError(
                    com.google.rpc.Status.newBuilder()
                        .setCode(status.getCode().value())
                        .setMessage(
                            status.getDescription() == null
                                ? status.getCode().name()
                                : status.getDescription())))
        .build();
  }

  @PreDestroy
  synchronized void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
