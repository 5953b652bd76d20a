package io.gatehouse.analytics.ingest;

import io.gatehouse.analytics.auth.Role;
import io.gatehouse.analytics.revocation.RevokedCredentials;
import io.gatehouse.api.analytics.v1.AnalyticsIngestGrpc;
import io.gatehouse.api.analytics.v1.BatchAck;
import io.gatehouse.api.analytics.v1.BatchResult;
import io.gatehouse.api.analytics.v1.FlowControl;
import io.gatehouse.api.analytics.v1.ReportRequest;
import io.gatehouse.api.analytics.v1.ReportResponse;
import io.gatehouse.common.auth.BearerTokenInterceptor;
import io.gatehouse.common.identity.EngineIdentity;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code AnalyticsIngest.Report}: an engine says hello, is granted credits (how many batches it may
 * have unacknowledged: one more ends its stream with RESOURCE_EXHAUSTED), and sends metric and log
 * batches; each is acknowledged once stored durably (or recognised as a resend): a log batch when
 * its rows are copied, a metric batch when the group it was folded into is written to the rollups.
 * When the database fails, the stream ends with UNAVAILABLE before the batch is acknowledged: the
 * engine keeps it, reconnects and resends it, so nothing acknowledged is ever lost and nothing is
 * counted twice.
 */
@Singleton
final class IngestGrpcService extends AnalyticsIngestGrpc.AnalyticsIngestImplBase {
  private static final Logger log = LoggerFactory.getLogger(IngestGrpcService.class);

  private final BatchStore store;
  private final MetricIngest metrics;
  private final int credits;

  private final RevokedCredentials revoked;
  // each open stream with a credential: checks whether that credential was revoked since
  private final Set<Runnable> revocationChecks = ConcurrentHashMap.newKeySet();

  /**
   * @param revoked the credentials se-manager-svc revoked; null when analytics-svc does not follow
   *     them (a credential then counts until it expires)
   */
  IngestGrpcService(
      BatchStore store,
      MetricIngest metrics,
      @Value("${gatehouse.analytics.ingest.credits:16}") int credits,
      @Nullable RevokedCredentials revoked) {
    this.store = store;
    this.metrics = metrics;
    this.credits = credits;
    this.revoked = revoked;
    if (revoked != null) {
      revoked.onChange(() -> revocationChecks.forEach(Runnable::run));
    }
  }

  private final ScheduledExecutorService expiries =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "engine-credential-expiries");
            thread.setDaemon(true);
            return thread;
          });

  private static Status revokedStatus(String seId) {
    return Status.PERMISSION_DENIED.withDescription(
        "this credential of engine "
            + seId
            + " was revoked: the engine was decommissioned after it was issued");
  }

  @Override
  public StreamObserver<ReportRequest> report(StreamObserver<ReportResponse> out) {
    boolean engine = Role.current() == Role.SERVICE_ENGINE;
    // an engine with a credential is the engine it names, until it expires
    Optional<EngineIdentity> identity =
        BearerTokenInterceptor.currentIdentity(EngineIdentity.class);
    // metric batches are answered from the rollup writer's thread, everything else from the
    // stream's: calls on out are serialized on out itself
    return new StreamObserver<>() {
      private volatile String seId;
      private volatile boolean closed;
      private volatile ScheduledFuture<?> expiry; // ends the stream when its credential does
      private final Runnable revocationCheck = this::endIfRevoked;
      // batches received and not yet answered; answers of metric batches come from another thread
      private final java.util.concurrent.atomic.AtomicInteger unanswered =
          new java.util.concurrent.atomic.AtomicInteger();

      @Override
      public void onNext(ReportRequest request) {
        if (closed) {
          return;
        }
        if (!engine) {
          fail(
              Status.PERMISSION_DENIED.withDescription(
                  "Report is for service engines: use an engine token"));
          return;
        }
        if (seId == null && !request.hasHello()) {
          fail(
              Status.FAILED_PRECONDITION.withDescription(
                  "the first message on Report must be a hello"));
          return;
        }
        if ((request.hasMetrics() || request.hasLogs()) && unanswered.incrementAndGet() > credits) {
          fail(
              Status.RESOURCE_EXHAUSTED.withDescription(
                  "more than "
                      + credits
                      + " batches unacknowledged: wait for acknowledgements (flow_control.credits)"));
          return;
        }
        try {
          switch (request.getMessageCase()) {
            case HELLO -> hello(request);
            case METRICS -> {
              if (request.getMetrics().getBatchId() == 0) {
                reject(0, "metrics.batch_id: is required (an increasing number per engine)");
                return;
              }
              long batchId = request.getMetrics().getBatchId();
              metrics
                  .submit(seId, request.getMetrics())
                  .whenComplete(
                      (outcome, failure) -> {
                        if (failure == null) {
                          answer(batchId, outcome);
                        } else {
                          unstored(failure);
                        }
                      });
            }
            case LOGS -> {
              if (request.getLogs().getBatchId() == 0) {
                reject(0, "logs.batch_id: is required (an increasing number per engine)");
                return;
              }
              answer(request.getLogs().getBatchId(), store.logs(seId, request.getLogs()));
            }
            case MESSAGE_NOT_SET -> {}
          }
        } catch (SQLException | RuntimeException e) {
          unstored(e);
        }
      }

      private void unstored(Throwable e) {
        if (closed) {
          return; // told once per stream: the engine resends all it has not seen acknowledged
        }
        Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
        log.warn(
            "engine {}: a batch could not be stored; the engine resends it: {}",
            seId,
            cause.toString());
        fail(
            Status.UNAVAILABLE.withDescription(
                cause instanceof MetricIngest.StoredElsewhere
                    ? cause.getMessage()
                    : "the analytics store does not answer; resend after reconnecting"));
      }

      private void hello(ReportRequest request) {
        if (seId != null) {
          fail(Status.FAILED_PRECONDITION.withDescription("hello was already sent"));
          return;
        }
        if (identity.isPresent()) {
          String named = identity.get().seId();
          if (!request.getHello().getSeId().isEmpty()
              && !request.getHello().getSeId().equals(named)) {
            fail(
                Status.PERMISSION_DENIED.withDescription(
                    "hello.se_id: this engine's credential names " + named));
            return;
          }
          seId = named;
          if (revoked != null) {
            revocationChecks.add(revocationCheck); // before the check: no change goes unseen
            if (revoked.revokes(identity.get())) {
              fail(revokedStatus(named));
              return;
            }
          }
          long left =
              Math.max(0, Duration.between(Instant.now(), identity.get().expiresAt()).toMillis());
          expiry =
              expiries.schedule(
                  () ->
                      fail(
                          Status.UNAUTHENTICATED.withDescription(
                              "the engine's credential expired: report again with the renewed one")),
                  left,
                  TimeUnit.MILLISECONDS);
          welcome();
          return;
        }
        if (request.getHello().getSeId().isBlank()) {
          fail(Status.INVALID_ARGUMENT.withDescription("hello.se_id: is required"));
          return;
        }
        if (!EngineIdentity.SE_ID.matcher(request.getHello().getSeId()).matches()) {
          fail(
              Status.INVALID_ARGUMENT.withDescription("hello.se_id: " + EngineIdentity.SE_ID_RULE));
          return;
        }
        seId = request.getHello().getSeId();
        welcome();
      }

      private void welcome() {
        send(
            ReportResponse.newBuilder()
                .setFlowControl(FlowControl.newBuilder().setCredits(credits))
                .build());
        log.info("engine {} reports", seId);
      }

      private void answer(long batchId, BatchStore.Outcome outcome) {
        unanswered.decrementAndGet();
        send(
            ReportResponse.newBuilder()
                .setAck(
                    BatchAck.newBuilder()
                        .setBatchId(batchId)
                        .setResult(
                            outcome == BatchStore.Outcome.STORED
                                ? BatchResult.BATCH_RESULT_STORED
                                : BatchResult.BATCH_RESULT_DUPLICATE))
                .build());
      }

      private void reject(long batchId, String why) {
        unanswered.decrementAndGet();
        send(
            ReportResponse.newBuilder()
                .setAck(
                    BatchAck.newBuilder()
                        .setBatchId(batchId)
                        .setResult(BatchResult.BATCH_RESULT_REJECTED)
                        .setMessage(why))
                .build());
      }

      private void send(ReportResponse response) {
        synchronized (out) {
          if (!closed) {
            out.onNext(response);
          }
        }
      }

      private void fail(Status status) {
        synchronized (out) {
          if (!closed) {
            close();
            out.onError(status.asRuntimeException());
          }
        }
      }

      /** Ends the stream when its engine's credential was revoked (decommissioned) since. */
      private void endIfRevoked() {
        if (revoked.revokes(identity.orElseThrow())) {
          log.info("engine {}: its credential was revoked; its report stream ends", seId);
          fail(revokedStatus(seId));
        }
      }

      /** Marks the stream ended; its credential's expiry and revocation no longer need watching. */
      private void close() {
        closed = true;
        revocationChecks.remove(revocationCheck);
        ScheduledFuture<?> watched = expiry;
        if (watched != null) {
          watched.cancel(false);
        }
      }

      @Override
      public void onError(Throwable t) {
        close();
      }

      @Override
      public void onCompleted() {
        synchronized (out) {
          if (!closed) {
            close();
            out.onCompleted();
          }
        }
      }
    };
  }
}
