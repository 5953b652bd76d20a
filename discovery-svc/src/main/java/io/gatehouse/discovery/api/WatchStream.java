package io.gatehouse.discovery.api;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A server stream that follows a model: every model change and every ready signal from the client
 * wakes it, and {@link #pump()} sends what the client can take. At most one pump runs at a time (a
 * wake-up counter: the thread that raises it from zero drains, and drains again for wake-ups that
 * arrive meanwhile), so a subclass's state needs no lock.
 */
abstract class WatchStream implements Runnable {
  private final ServerCallStreamObserver<?> out;
  private final Executor executor;
  private final Consumer<Runnable> subscribe;
  private final Consumer<Runnable> unsubscribe;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile boolean closed;

  WatchStream(
      ServerCallStreamObserver<?> out,
      Executor executor,
      Consumer<Runnable> subscribe,
      Consumer<Runnable> unsubscribe) {
    this.out = out;
    this.executor = executor;
    this.subscribe = subscribe;
    this.unsubscribe = unsubscribe;
  }

  final void start() {
    out.setOnCancelHandler(this::close);
    out.setOnReadyHandler(this);
    subscribe.accept(this);
    run();
  }

  final void close() {
    closed = true;
    unsubscribe.accept(this);
  }

  /** True while the stream is open and the client can take another message. */
  final boolean canSend() {
    return !closed && out.isReady();
  }

  @Override
  public final void run() {
    if (!closed && pending.getAndIncrement() == 0) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    int missed = 1;
    do {
      pump();
      missed = pending.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Sends while {@link #canSend()}; called on the executor, never concurrently with itself. */
  abstract void pump();
}
