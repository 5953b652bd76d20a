package io.gatehouse.discovery.mesos;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the agents from the master every interval into an {@link AgentModel}. */
public final class MesosPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MesosPoller.class);

  private final MesosClient client;
  private final AgentModel model;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "mesos-poller");
            t.setDaemon(true);
            return t;
          });
  private volatile Instant lastSync;
  private volatile String lastError;

  public MesosPoller(MesosClient client, AgentModel model, Duration interval) {
    this.client = client;
    this.model = model;
    timer.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void poll() {
    try {
      model.replaceAll(client.agents());
      lastSync = Instant.now();
      lastError = null;
    } catch (RuntimeException e) {
      String error = e.getMessage() != null ? e.getMessage() : e.toString(); // never stop on null
      if (!error.equals(lastError)) {
        log.warn("reading agents from {} failed: {}", client.baseUrl(), error);
      }
      lastError = error;
    }
  }

  public Instant lastSync() {
    return lastSync;
  }

  public String lastError() {
    return lastError;
  }

  public MesosClient client() {
    return client;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
