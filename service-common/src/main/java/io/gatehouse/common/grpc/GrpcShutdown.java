package io.gatehouse.common.grpc;

import io.grpc.Server;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.server.event.ServerShutdownEvent;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a stopping service's gRPC calls in bounded time. Streams such as an engine's {@code Connect}
 * or a {@code Watch} never end by themselves, and the server would otherwise wait for them (30 s)
 * and then stop with them still open. Here new calls are refused at once, the unary calls in flight
 * get up to {@link #GRACE} to finish, and as soon as none is left what is still open is cancelled,
 * so the clients see their streams end and reconnect (to another replica, or to this one when it is
 * back) without waiting out the grace.
 */
@Singleton
final class GrpcShutdown implements ApplicationEventListener<ServerShutdownEvent> {
  private static final Logger log = LoggerFactory.getLogger(GrpcShutdown.class);
  static final Duration GRACE = Duration.ofSeconds(5);

  private final UnaryCallsInFlight unaryCalls;

  GrpcShutdown(UnaryCallsInFlight unaryCalls) {
    this.unaryCalls = unaryCalls;
  }

  @Override
  public void onApplicationEvent(ServerShutdownEvent event) {
    if (!(event.getSource() instanceof GrpcEmbeddedServer grpc)) {
      return; // the management HTTP server
    }
    end(grpc.getServer(), GRACE, unaryCalls);
  }

  /**
   * Refuses new calls, lets the unary calls in flight finish within {@code grace}, then cancels
   * what is still open (the streams, and unary calls past the grace).
   */
  static void end(Server server, Duration grace, UnaryCallsInFlight unaryCalls) {
    server.shutdown();
    try {
      if (!unaryCalls.awaitNone(grace)) {
        log.info(
            "stopping: {} calls still unanswered after {} s are ended",
            unaryCalls.count(),
            grace.toSeconds());
      }
      server.shutdownNow();
      server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }
}
