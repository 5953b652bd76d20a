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
 * and then stop with them still open. Here new calls are refused at once, calls in flight get
 * {@link #GRACE} to finish, and what is still open is then cancelled, so the clients see the stream
 * end and reconnect (to another replica, or to this one when it is back).
 */
@Singleton
final class GrpcShutdown implements ApplicationEventListener<ServerShutdownEvent> {
  private static final Logger log = LoggerFactory.getLogger(GrpcShutdown.class);
  static final Duration GRACE = Duration.ofSeconds(5);

  @Override
  public void onApplicationEvent(ServerShutdownEvent event) {
    if (!(event.getSource() instanceof GrpcEmbeddedServer grpc)) {
      return; // the management HTTP server
    }
    end(grpc.getServer(), GRACE);
  }

  /** Refuses new calls, lets those in flight finish within {@code grace}, cancels the rest. */
  static void end(Server server, Duration grace) {
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.info("stopping: ending the gRPC calls still open after {} s", grace.toSeconds());
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }
}
