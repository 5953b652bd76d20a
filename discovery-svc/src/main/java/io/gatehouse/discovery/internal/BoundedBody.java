package io.gatehouse.discovery.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read as text up to a limit: Marathon, the Mesos master and its agents are
 * answered in full only while they stay within it. A larger answer fails the request with an {@link
 * IOException} saying so (the stream is cancelled), instead of filling the heap.
 */
public final class BoundedBody implements HttpResponse.BodySubscriber<String> {
  /** Marathon's /v2/apps of a very large cluster stays well below this. */
  public static final int MAX_BYTES = 64 * 1024 * 1024;

  private final int limit;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<String> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  private BoundedBody(int limit) {
    this.limit = limit;
  }

  /** Bodies of at most {@link #MAX_BYTES}. */
  public static HttpResponse.BodyHandler<String> ofString() {
    return ofString(MAX_BYTES);
  }

  /** Bodies of at most {@code limit} bytes. */
  public static HttpResponse.BodyHandler<String> ofString(int limit) {
    return info -> new BoundedBody(limit);
  }

  @Override
  public CompletionStage<String> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer item : items) {
      if ((long) bytes.size() + item.remaining() > limit) {
        subscription.cancel();
        result.completeExceptionally(
            new IOException("the answer is larger than " + limit + " bytes; not read"));
        return;
      }
      byte[] chunk = new byte[item.remaining()];
      item.get(chunk);
      bytes.write(chunk, 0, chunk.length);
    }
  }

  @Override
  public void onError(Throwable failure) {
    result.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    result.complete(bytes.toString(StandardCharsets.UTF_8));
  }
}
