package io.gatehouse.analytics.revocation;

import io.gatehouse.api.semanager.v1.EngineIdentitiesGrpc;
import io.gatehouse.api.semanager.v1.ListRevocationsRequest;
import io.gatehouse.api.semanager.v1.Revocation;
import io.gatehouse.common.Periodic;
import io.gatehouse.common.identity.EngineIdentity;
import io.gatehouse.common.identity.Revocations;
import io.grpc.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revocations se-manager-svc has recorded, read every refresh; listeners hear each change. When
 * se-manager-svc does not answer, the last list read stays in force (and credentials still expire
 * on their own).
 */
public final class RevokedCredentials implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RevokedCredentials.class);

  private final EngineIdentitiesGrpc.EngineIdentitiesBlockingStub manager;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "revoked-credentials");
            t.setDaemon(true);
            return t;
          });
  private volatile Revocations revocations = Revocations.NONE;

  /**
   * @param manager se-manager-svc, with a token that may read revocations
   */
  public RevokedCredentials(Channel manager) {
    this.manager = EngineIdentitiesGrpc.newBlockingStub(manager);
  }

  /** Reads the revocations now and then every {@code refresh}. */
  public RevokedCredentials start(Duration refresh) {
    executor.scheduleWithFixedDelay(
        Periodic.guarded(
            log, "reading revocations from se-manager-svc failed; tried again", this::refresh),
        0,
        refresh.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  /** Whether {@code identity}'s credential is revoked, as far as the last read knows. */
  public boolean revokes(EngineIdentity identity) {
    return revocations.revokes(identity);
  }

  /** Calls {@code listener} after each change to the revocations. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** Reads the revocations from se-manager-svc. */
  public void refresh() {
    Map<String, Instant> revoked = new HashMap<>();
    for (Revocation revocation :
        manager
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .listRevocations(ListRevocationsRequest.getDefaultInstance())
            .getRevocationsList()) {
      revoked.put(
          revocation.getSeId(),
          Instant.ofEpochSecond(
              revocation.getRevokedBefore().getSeconds(),
              revocation.getRevokedBefore().getNanos()));
    }
    Revocations read = new Revocations(revoked);
    if (read.equals(revocations)) {
      return;
    }
    revocations = read;
    log.info("{} engines have revoked credentials", revoked.size());
    listeners.forEach(Runnable::run);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
