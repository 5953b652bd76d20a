package io.gatehouse.policy.internal;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

/**
 * Turns what a handler throws while processing a call into a mapped status, so no exception escapes
 * as gRPC's opaque UNKNOWN. Asynchronous failures (streams) go through {@link StatusMapper}
 * directly.
 */
@Singleton
public final class StatusInterceptor implements ServerInterceptor, Ordered {
  private final StatusMapper mapper;

  public StatusInterceptor(StatusMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE; // innermost: closest to the handler
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate;
    try {
      delegate = next.startCall(call, headers);
    } catch (RuntimeException e) {
      close(call, e);
      return new ServerCall.Listener<>() {};
    }
    return new SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          close(call, e);
        }
      }

      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          close(call, e);
        }
      }
    };
  }

  private void close(ServerCall<?, ?> call, RuntimeException e) {
    StatusRuntimeException status = mapper.toStatus(e);
    Metadata trailers = status.getTrailers() == null ? new Metadata() : status.getTrailers();
    call.close(status.getStatus(), trailers);
  }
}
