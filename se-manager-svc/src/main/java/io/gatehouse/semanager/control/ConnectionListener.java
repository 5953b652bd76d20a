package io.gatehouse.semanager.control;

import io.gatehouse.api.semanager.v1.Heartbeat;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.Nack;

/**
 * Hears what happens on engines' control streams, for the inventory. Called on the stream's thread:
 * an implementation must not throw and should be quick.
 */
public interface ConnectionListener {
  /** Hears nothing. */
  ConnectionListener NONE = new ConnectionListener() {};

  /** An engine said hello. */
  default void connected(Hello hello) {}

  /** A heartbeat arrived from an engine, with its load. */
  default void heartbeat(String seId, Heartbeat heartbeat) {}

  /** An engine rejected resources. */
  default void rejected(String seId, Nack nack) {}

  /** An engine's stream ended. */
  default void disconnected(String seId, String why) {}
}
