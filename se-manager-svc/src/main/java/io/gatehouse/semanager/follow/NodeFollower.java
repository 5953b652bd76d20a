package io.gatehouse.semanager.follow;

import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.discovery.v1.WatchNodesRequest;
import io.gatehouse.api.discovery.v1.WatchNodesResponse;
import io.grpc.Channel;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Follows discovery-svc's WatchNodes: the Mesos agents by id, handed on after every message (a
 * snapshot replaces them all). Runs on a thread of its own; a lost stream resumes from the last
 * revision.
 */
public final class NodeFollower extends StreamFollower {
  private final DiscoveryServiceGrpc.DiscoveryServiceBlockingStub discovery;
  private final Consumer<Map<String, Node>> onChange;
  private final Map<String, Node> nodes = new HashMap<>();
  private long revision;

  /**
   * @param discoveryChannel a channel to discovery-svc that carries se-manager's token
   * @param onChange hears every agent after each change (never before the first snapshot)
   */
  public NodeFollower(Channel discoveryChannel, Consumer<Map<String, Node>> onChange) {
    super("node-follower");
    this.discovery = DiscoveryServiceGrpc.newBlockingStub(discoveryChannel);
    this.onChange = onChange;
  }

  public NodeFollower start() {
    startThread();
    return this;
  }

  @Override
  void follow() {
    Iterator<WatchNodesResponse> responses =
        discovery.watchNodes(WatchNodesRequest.newBuilder().setFromRevision(revision).build());
    while (responses.hasNext()) {
      WatchNodesResponse response = responses.next();
      if (response.getSnapshot()) {
        nodes.clear();
      }
      response.getNodesList().forEach(n -> nodes.put(n.getId(), n));
      response.getRemovedNodeIdsList().forEach(nodes::remove);
      revision = response.getRevision();
      onChange.accept(Map.copyOf(nodes));
    }
  }
}
