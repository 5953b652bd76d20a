package io.gatehouse.policy;

import io.gatehouse.api.policy.v1.ObjectChange;
import io.gatehouse.api.policy.v1.WatchRequest;
import io.gatehouse.api.policy.v1.WatchResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** A Watch client that records what it receives; optionally it reads only when told to. */
public final class WatchCollector implements ClientResponseObserver<WatchRequest, WatchResponse> {
  private final boolean manualFlow;
  private final List<WatchResponse> responses = new CopyOnWriteArrayList<>();
  private final AtomicReference<Throwable> error = new AtomicReference<>();
  private volatile ClientCallStreamObserver<WatchRequest> call;

  private WatchCollector(boolean manualFlow) {
    this.manualFlow = manualFlow;
  }

  /** Reads everything as it arrives. */
  public static WatchCollector reading() {
    return new WatchCollector(false);
  }

  /** Reads nothing until {@link #request} is called. */
  public static WatchCollector stalled() {
    return new WatchCollector(true);
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
    this.call = requestStream;
    if (manualFlow) {
      requestStream.disableAutoRequestWithInitial(0);
    }
  }

  public void request(int messages) {
    call.request(messages);
  }

  public void cancel() {
    call.cancel("test done", null);
  }

  @Override
  public void onNext(WatchResponse value) {
    responses.add(value);
  }

  @Override
  public void onError(Throwable t) {
    error.set(t);
  }

  @Override
  public void onCompleted() {}

  public List<WatchResponse> responses() {
    return responses;
  }

  public Throwable error() {
    return error.get();
  }

  /** Every change received, in order. */
  public List<ObjectChange> changes() {
    return responses.stream().flatMap(r -> r.getChangesList().stream()).toList();
  }

  /** The names of the objects changed, in order. */
  public List<String> names() {
    return changes().stream().map(c -> name(c)).toList();
  }

  /** Revisions of the changes received, in order. */
  public List<Long> revisions() {
    return changes().stream().map(ObjectChange::getRevision).toList();
  }

  private static String name(ObjectChange change) {
    var object = change.getObject();
    return switch (object.getKindCase()) {
      case VIRTUAL_SERVICE -> object.getVirtualService().getMeta().getName();
      case POOL -> object.getPool().getMeta().getName();
      case HEALTH_MONITOR -> object.getHealthMonitor().getMeta().getName();
      case NETWORK_SECURITY_POLICY -> object.getNetworkSecurityPolicy().getMeta().getName();
      case SSL_KEY_AND_CERTIFICATE -> object.getSslKeyAndCertificate().getMeta().getName();
      case AUTOSCALE_POLICY -> object.getAutoscalePolicy().getMeta().getName();
      case SERVICE_ENGINE_GROUP -> object.getServiceEngineGroup().getMeta().getName();
      case HTTP_POLICY_SET -> object.getHttpPolicySet().getMeta().getName();
      case CLOUD -> object.getCloud().getMeta().getName();
      case KIND_NOT_SET -> "";
    };
  }
}
