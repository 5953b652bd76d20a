package io.gatehouse.semanager.push;

import io.gatehouse.api.semanager.v1.ConnectResponse;

/** Where the messages for one connected engine go (its Connect stream). */
@FunctionalInterface
public interface EngineStream {
  /** Sends a message; must not block (the stream buffers) nor throw (an ended stream drops it). */
  void send(ConnectResponse message);
}
