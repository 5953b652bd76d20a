package io.gatehouse.engine.http;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the engine does per HTTP request besides moving bytes: arming and disarming the response
 * timeout (a {@link Deadline} against a scheduled task per request, which it replaced) and
 * rewriting the request headers for the member. Runs on the event loop it measures, as the engine
 * does (in this package to reach the engine's package-private classes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpHotPathsBenchmark {
  private EventLoop loop;
  private Deadline deadline;
  private final Runnable nothing = () -> {};

  @Setup(Level.Trial)
  public void start() {
    loop = new DefaultEventLoop();
    deadline = new Deadline(loop, nothing);
  }

  @TearDown(Level.Trial)
  public void stop() {
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  private static final int BATCH = 1000;

  /**
   * The engine's way: the deadline moves; one check per period is scheduled. Batches of requests
   * run in one task on the loop, so the hand-over to the loop does not swamp the figure.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object deadlineArmDisarm() throws Exception {
    return loop.submit(
            () -> {
              for (int i = 0; i < BATCH; i++) {
                deadline.arm(TimeUnit.SECONDS.toNanos(60));
                deadline.disarm();
              }
            })
        .get();
  }

  /** The way it replaced: a scheduled task per request, cancelled when the response comes. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object scheduleCancel() throws Exception {
    return loop.submit(
            () -> {
              for (int i = 0; i < BATCH; i++) {
                loop.schedule(nothing, 60, TimeUnit.SECONDS).cancel(false);
              }
            })
        .get();
  }

  /** Header rewriting of a typical browser request. */
  @Benchmark
  public HttpRequest headersToUpstream() {
    HttpRequest request =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/items?page=2");
    request
        .headers()
        .set("Host", "shop.example.com")
        .set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)")
        .set("Accept", "application/json")
        .set("Accept-Encoding", "gzip, deflate")
        .set("Connection", "keep-alive")
        .set("Cookie", "session=0123456789abcdef");
    ProxyHeaders.toUpstream(request, "10.1.2.3", "http");
    return request;
  }
}
