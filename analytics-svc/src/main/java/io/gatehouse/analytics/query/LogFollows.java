package io.gatehouse.analytics.query;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.FollowLogsRequest;
import io.gatehouse.api.analytics.v1.FollowLogsResponse;
import io.gatehouse.api.analytics.v1.SearchLogsRequest;
import io.gatehouse.api.analytics.v1.SearchLogsResponse;
import io.gatehouse.api.analytics.v1.TimeRange;
import io.gatehouse.common.grpc.Errors;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The follows of client logs under way: each looks at the store once a second for logs stored since
 * its last look, and sends what it found oldest first. A look reaches 10 s behind the newest log it
 * sent, for an engine's batch that lands after a later one; what it sent of those 10 s is
 * remembered so that nothing is sent twice. A client that has not taken the last batch is skipped
 * until it has: the store holds what it has not been sent.
 */
@Singleton
final class LogFollows {
  static final int MAX_FOLLOWS = 64;
  private static final Duration LOOK_EVERY = Duration.ofSeconds(1);
  private static final long LATE_SECONDS = 10;
  private static final int PAGE = 1000;
  private static final int MAX_PAGES_PER_LOOK = 10;
  private static final Duration DEFAULT_BACKLOG_WINDOW = Duration.ofMinutes(10);
  private static final Duration MAX_BACKLOG_WINDOW = Duration.ofDays(7);

  private final LogSearch search;
  private final Clock clock = Clock.systemUTC();
  private final AtomicInteger running = new AtomicInteger();
  private final ScheduledExecutorService looks =
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "log-follows");
            t.setDaemon(true);
            return t;
          });

  LogFollows(LogSearch search) {
    this.search = search;
  }

  /** Checks {@code request} and starts following for {@code out}. */
  void start(FollowLogsRequest request, ServerCallStreamObserver<FollowLogsResponse> out) {
    SearchLogsRequest filter = request.getFilter();
    if (filter.getVirtualService().isBlank()) {
      throw Errors.invalidArgument("filter.virtual_service", "is required");
    }
    if (filter.hasRange()) {
      throw Errors.invalidArgument("filter.range", "must be unset: a follow has no end");
    }
    if (filter.getPageSize() != 0 || !filter.getPageToken().isEmpty()) {
      throw Errors.invalidArgument("filter.page_size", "and page_token must be unset");
    }
    if (request.getBacklog() < 0 || request.getBacklog() > PAGE) {
      throw Errors.invalidArgument("backlog", "must be 0 to " + PAGE);
    }
    Duration window =
        request.hasBacklogWindow()
            ? Duration.ofSeconds(
                request.getBacklogWindow().getSeconds(), request.getBacklogWindow().getNanos())
            : DEFAULT_BACKLOG_WINDOW;
    if (window.isNegative() || window.isZero() || window.compareTo(MAX_BACKLOG_WINDOW) > 0) {
      throw Errors.invalidArgument("backlog_window", "must be more than 0 and at most 7 days");
    }
    if (running.incrementAndGet() > MAX_FOLLOWS) {
      running.decrementAndGet();
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(MAX_FOLLOWS + " follows of client logs run already: try again later")
          .asRuntimeException();
    }
    try {
      Follow follow = new Follow(filter, out);
      follow.backlog(request.getBacklog(), window);
      ScheduledFuture<?> task =
          looks.scheduleWithFixedDelay(
              follow::look, LOOK_EVERY.toMillis(), LOOK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      follow.task = task;
      out.setOnCancelHandler(follow::end);
    } catch (RuntimeException e) {
      running.decrementAndGet();
      throw e;
    }
  }

  /** One follow: what it sent last, and the logs of the last 10 s it sent. */
  private final class Follow {
    private final SearchLogsRequest filter;
    private final ServerCallStreamObserver<FollowLogsResponse> out;
    private final Set<ClientLog> sent = new HashSet<>();
    private Timestamp since;
    private Timestamp newest;
    private volatile ScheduledFuture<?> task;
    private boolean ended;

    Follow(SearchLogsRequest filter, ServerCallStreamObserver<FollowLogsResponse> out) {
      this.filter = filter;
      this.out = out;
    }

    /** Sends the newest {@code count} logs of {@code window}, oldest first. */
    synchronized void backlog(int count, Duration window) {
      Instant now = clock.instant();
      List<ClientLog> first = new ArrayList<>();
      if (count > 0) {
        first.addAll(
            search
                .search(
                    filter.toBuilder()
                        .setRange(TimeRange.newBuilder().setStartTime(timestamp(now.minus(window))))
                        .setPageSize(count)
                        .build(),
                    now)
                .getLogsList());
        Collections.reverse(first);
      }
      newest = first.isEmpty() ? timestamp(now) : first.get(first.size() - 1).getTime();
      since = newest; // older logs belong to the backlog
      sent.addAll(first);
      out.onNext(FollowLogsResponse.newBuilder().addAllLogs(first).build());
    }

    synchronized void look() {
      if (ended || !out.isReady()) {
        return;
      }
      try {
        Instant now = clock.instant();
        Timestamp from = newest.toBuilder().setSeconds(newest.getSeconds() - LATE_SECONDS).build();
        List<ClientLog> fresh = new ArrayList<>();
        String pageToken = "";
        int pages = 0;
        do {
          SearchLogsResponse page =
              search.search(
                  filter.toBuilder()
                      .setRange(TimeRange.newBuilder().setStartTime(from))
                      .setPageSize(PAGE)
                      .setPageToken(pageToken)
                      .build(),
                  now);
          for (ClientLog log : page.getLogsList()) {
            if (compare(log.getTime(), since) >= 0 && !sent.contains(log)) {
              fresh.add(log);
            }
          }
          pageToken = page.getNextPageToken();
        } while (!pageToken.isEmpty() && ++pages < MAX_PAGES_PER_LOOK);
        if (fresh.isEmpty()) {
          return;
        }
        fresh.sort((a, b) -> compare(a.getTime(), b.getTime()));
        for (ClientLog log : fresh) {
          sent.add(log);
          if (compare(log.getTime(), newest) > 0) {
            newest = log.getTime();
          }
        }
        long horizon = newest.getSeconds() - LATE_SECONDS;
        sent.removeIf(log -> log.getTime().getSeconds() < horizon);
        out.onNext(FollowLogsResponse.newBuilder().addAllLogs(fresh).build());
      } catch (RuntimeException e) {
        // the store failed, or the call ended under us: either way this follow is over
        end();
        try {
          out.onError(Status.fromThrowable(e).asRuntimeException());
        } catch (RuntimeException alreadyOver) {
          // the client has gone
        }
      }
    }

    synchronized void end() {
      if (ended) {
        return;
      }
      ended = true;
      running.decrementAndGet();
      if (task != null) {
        task.cancel(false);
      }
    }
  }

  private static int compare(Timestamp a, Timestamp b) {
    int seconds = Long.compare(a.getSeconds(), b.getSeconds());
    return seconds != 0 ? seconds : Integer.compare(a.getNanos(), b.getNanos());
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  @PreDestroy
  void stop() {
    looks.shutdownNow();
  }
}
