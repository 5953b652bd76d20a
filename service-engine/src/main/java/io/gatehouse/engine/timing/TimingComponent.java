package io.gatehouse.engine.timing;

/** The parts of a request's time: the "user-to-application timing" of every request. */
public enum TimingComponent {
  /** Round trip between client and engine, from the kernel's TCP estimate (epoll only). */
  CLIENT_RTT,
  /** Round trip between engine and pool member, from the kernel's TCP estimate (epoll only). */
  SERVER_RTT,
  /** Request head sent to the member until the first byte of its response. */
  APP_RESPONSE,
  /** First byte of the response until its last byte. */
  DATA_TRANSFER,
  /**
   * Request head received from the client until the last byte of the response; for an L4 connection
   * or UDP session, its whole duration.
   */
  TOTAL,
  /** L4: client connection accepted until the member's connection is established. */
  MEMBER_CONNECT;

  /** The name in metrics and reports. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
