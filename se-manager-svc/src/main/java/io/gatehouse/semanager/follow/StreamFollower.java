package io.gatehouse.semanager.follow;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower of one server stream, on a thread of its own: it opens the stream, reads it until it
 * ends, and opens it again after a capped exponential backoff when it breaks. Closing cancels the
 * stream being read.
 */
abstract class StreamFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamFollower.class);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final Thread thread;
  private volatile Context.CancellableContext stream;
  private volatile boolean running = true;

  StreamFollower(String threadName) {
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  /** Opens the stream and reads it until it ends; runs in a cancellable context. */
  abstract void follow();

  /** The stream broke with {@code e}; a chance to decide where the next one starts. */
  void lost(StatusRuntimeException e) {
    log.warn("{} lost ({}); following again", thread.getName(), e.getStatus());
  }

  final void startThread() {
    thread.start();
  }

  private void run() {
    Duration backoff = MIN_BACKOFF;
    while (running) {
      Context.CancellableContext context = Context.current().withCancellation();
      stream = context;
      try {
        context.run(this::follow);
        backoff = MIN_BACKOFF;
      } catch (StatusRuntimeException e) {
        if (!running) {
          return;
        }
        lost(e);
      }
      try {
        Thread.sleep(backoff.toMillis()); // the follower's own thread: the reconnect backoff
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  @Override
  public void close() {
    running = false;
    Context.CancellableContext current = stream;
    if (current != null) {
      current.cancel(null);
    }
    thread.interrupt();
  }
}
