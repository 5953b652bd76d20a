package io.gatehouse.discovery.api;

import io.gatehouse.api.discovery.v1.WatchNodesResponse;
import io.gatehouse.discovery.mesos.Agent;
import io.gatehouse.discovery.mesos.AgentModel;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One WatchNodes stream: a snapshot, then what changed since the last message this stream sent. It
 * remembers the agents it last sent (a cluster's worth, bounded) and sends only while the client is
 * ready.
 */
final class NodeWatch extends WatchStream {
  private final AgentModel model;
  private final ServerCallStreamObserver<WatchNodesResponse> out;
  private AgentModel.Snapshot sent;

  NodeWatch(AgentModel model, ServerCallStreamObserver<WatchNodesResponse> out, Executor executor) {
    super(out, executor, model::addListener, model::removeListener);
    this.model = model;
    this.out = out;
  }

  @Override
  void pump() {
    if (!canSend()) {
      return;
    }
    AgentModel.Snapshot now = model.snapshot();
    if (sent != null && sent.revision() == now.revision()) {
      return;
    }
    WatchNodesResponse.Builder message =
        WatchNodesResponse.newBuilder().setRevision(now.revision());
    if (sent == null) {
      message.setSnapshot(true);
      now.agents().values().forEach(a -> message.addNodes(NodeProtos.node(a)));
    } else {
      for (Map.Entry<String, Agent> e : now.agents().entrySet()) {
        if (!e.getValue().equals(sent.agents().get(e.getKey()))) {
          message.addNodes(NodeProtos.node(e.getValue()));
        }
      }
      sent.agents().keySet().stream()
          .filter(id -> !now.agents().containsKey(id))
          .forEach(message::addRemovedNodeIds);
    }
    out.onNext(message.build());
    sent = now;
  }
}
