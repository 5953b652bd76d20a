package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests one after another to {@code /} of the demo app's service port, through each agent's
 * engine in turn, on a thread of its own, until closed; bounded in count and time. Counts what
 * answered 200 and keeps what did not.
 */
final class Load implements AutoCloseable {
  private static final long MAX_REQUESTS = 200_000;
  private static final Duration MAX_TIME = Duration.ofMinutes(5);

  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong ok = new AtomicLong();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final Thread thread;

  private Load(HttpClient http, List<String> agents) {
    thread =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + MAX_TIME.toNanos();
              for (long i = 0;
                  i < MAX_REQUESTS && !stop.get() && System.nanoTime() < deadline;
                  i++) {
                String agent = agents.get((int) (i % agents.size()));
                try {
                  HttpResponse<String> response =
                      http.send(
                          HttpRequest.newBuilder(URI.create("http://" + agent + ":10001/"))
                              .timeout(Duration.ofSeconds(10))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  if (response.statusCode() == 200) {
                    ok.incrementAndGet();
                  } else {
                    failures.add(agent + ": " + response.statusCode() + " " + response.body());
                  }
                } catch (Exception e) {
                  failures.add(agent + ": " + e);
                }
              }
            },
            "load");
    thread.setDaemon(true);
  }

  static Load start(HttpClient http, List<String> agents) {
    Load load = new Load(http, agents);
    load.thread.start();
    return load;
  }

  /** Requests answered 200 so far. */
  long answered() {
    return ok.get();
  }

  /** Stops the load; every request it sent was answered 200, and there were some. */
  void assertNoFailure() {
    close();
    assertThat(failures).as("failed requests of %d", ok.get() + failures.size()).isEmpty();
    assertThat(ok.get()).isPositive();
  }

  @Override
  public void close() {
    stop.set(true);
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
