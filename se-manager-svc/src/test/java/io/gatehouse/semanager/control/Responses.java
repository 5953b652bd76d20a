package io.gatehouse.semanager.control;

import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** What a test engine's Connect stream is sent, kept for the test to look at. */
final class Responses {
  private Responses() {}

  /** An observer that adds every message to {@code received} and keeps the stream's error. */
  static StreamObserver<ConnectResponse> collect(
      List<ConnectResponse> received, AtomicReference<Throwable> error) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ConnectResponse value) {
        received.add(value);
      }

      @Override
      public void onError(Throwable t) {
        error.set(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
