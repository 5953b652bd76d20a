package io.gatehouse.common.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the unary calls a service is answering, so that a stopping service waits for those and not
 * for its streams (a {@code Watch}, an engine's {@code Connect}), which never end by themselves.
 */
@Singleton
public final class UnaryCallsInFlight implements ServerInterceptor, Ordered {
  private int inFlight;

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE; // inside authentication: only calls that will be answered
  }

  @Override
  public <Q, S> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, S> call, Metadata headers, ServerCallHandler<Q, S> next) {
    if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) {
      return next.startCall(call, headers);
    }
    AtomicBoolean done = new AtomicBoolean();
    Runnable ended =
        () -> {
          if (done.compareAndSet(false, true)) {
            changeBy(-1);
          }
        };
    changeBy(1);
    try {
      ServerCall.Listener<Q> listener =
          next.startCall(
              new SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                  try {
                    super.close(status, trailers);
                  } finally {
                    ended.run();
                  }
                }
              },
              headers);
      return new SimpleForwardingServerCallListener<>(listener) {
        @Override
        public void onCancel() {
          try {
            super.onCancel();
          } finally {
            ended.run();
          }
        }

        @Override
        public void onComplete() {
          try {
            super.onComplete();
          } finally {
            ended.run();
          }
        }
      };
    } catch (RuntimeException e) {
      ended.run();
      throw e;
    }
  }

  /** How many unary calls are being answered. */
  public synchronized int count() {
    return inFlight;
  }

  /** Waits until no unary call is being answered, at most {@code timeout}; answers whether so. */
  public synchronized boolean awaitNone(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  private synchronized void changeBy(int delta) {
    inFlight += delta;
    if (inFlight == 0) {
      notifyAll();
    }
  }
}
