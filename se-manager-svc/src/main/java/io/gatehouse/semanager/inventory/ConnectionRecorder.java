package io.gatehouse.semanager.inventory;

import io.gatehouse.api.semanager.v1.Heartbeat;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.LoadFigures;
import io.gatehouse.api.semanager.v1.Nack;
import io.gatehouse.api.semanager.v1.RejectedResource;
import io.gatehouse.semanager.control.ConnectionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what happens on the control streams to the {@link Inventory}. A database outage never
 * reaches the streams: the failure is logged and the engine keeps its configuration; the next hello
 * or the reconciler's pass brings the record up to date.
 */
public final class ConnectionRecorder implements ConnectionListener {
  private static final Logger log = LoggerFactory.getLogger(ConnectionRecorder.class);

  private final Inventory inventory;
  private final EngineEvents events;

  public ConnectionRecorder(Inventory inventory, EngineEvents events) {
    this.inventory = inventory;
    this.events = events;
  }

  @Override
  public void connected(Hello hello) {
    record(
        hello.getSeId(),
        "connection",
        () ->
            inventory.connected(
                hello.getSeId(),
                hello.getNodeId(),
                hello.getHostname(),
                hello.getSeGroup(),
                hello.getVersion()));
  }

  @Override
  public void heartbeat(String seId, Heartbeat heartbeat) {
    LoadFigures load = heartbeat.getLoad();
    EngineLoad kept =
        new EngineLoad(
            load.getOpenConnections(),
            load.getRequestsPerSecond(),
            load.getCpuUsed(),
            load.getResidentMemoryBytes(),
            load.getAnalyticsDropped());
    record(seId, "heartbeat", () -> inventory.heartbeat(seId, kept));
  }

  @Override
  public void rejected(String seId, Nack nack) {
    for (RejectedResource rejected : nack.getRejectedList()) {
      // the engine's words, bounded: an event is a line an operator reads, not a store
      String message =
          rejected.getResource().getType().name().replace("RESOURCE_TYPE_", "").toLowerCase()
              + " "
              + bounded(rejected.getResource().getName(), 253)
              + " version "
              + bounded(rejected.getResource().getVersion(), 64)
              + ": "
              + bounded(rejected.getErrorDetail().getMessage(), 1000)
              + (rejected.getLastGoodVersion().isEmpty()
                  ? "; serving none of it"
                  : "; still serving version " + bounded(rejected.getLastGoodVersion(), 64));
      record(seId, "rejection", () -> events.record(seId, "NACK", message));
    }
  }

  /** {@code text} cut to {@code max} characters, marked when cut. */
  static String bounded(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }

  @Override
  public void disconnected(String seId, String why) {
    record(seId, "disconnection", () -> inventory.disconnected(seId, why));
  }

  private static void record(String seId, String what, Runnable write) {
    try {
      write.run();
    } catch (Inventory.InventoryException e) {
      log.warn("engine {}: the {} is not in the inventory: {}", seId, what, e.getMessage());
    }
  }
}
