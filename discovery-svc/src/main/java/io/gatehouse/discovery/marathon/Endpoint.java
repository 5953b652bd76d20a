package io.gatehouse.discovery.marathon;

/** Where one port of a task is reached. */
public record Endpoint(int portIndex, String address, int port) {
  @Override
  public String toString() {
    return address + ":" + port;
  }
}
