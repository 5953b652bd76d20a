package io.gatehouse.engine.analytics;

import io.gatehouse.api.analytics.v1.Significance;

/** Where the request path hands client logs; it decides cheaply which requests it wants. */
public interface ClientLogs {
  /** Keeps nothing. */
  ClientLogs NONE =
      new ClientLogs() {
        @Override
        public boolean wants(boolean fullLogs, long slowNanos, int status, long totalNanos) {
          return false;
        }

        @Override
        public Significance significance(int status, long totalNanos, long slowNanos) {
          return Significance.SIGNIFICANCE_UNSPECIFIED;
        }

        @Override
        public boolean wantsConnection(boolean fullLogs, boolean failed) {
          return false;
        }

        @Override
        public void add(ClientLogRecord log) {}
      };

  /**
   * Whether a request that ended with {@code status} after {@code totalNanos} is to be logged.
   *
   * @param fullLogs whether its virtual service asks for every request's log
   * @param slowNanos what its virtual service calls slow; 0: the default
   */
  boolean wants(boolean fullLogs, long slowNanos, int status, long totalNanos);

  /**
   * Why a request is significant; UNSPECIFIED when it is an ordinary one.
   *
   * @param slowNanos what its virtual service calls slow; 0: the default
   */
  Significance significance(int status, long totalNanos, long slowNanos);

  /**
   * Whether an L4 connection or UDP session is to be logged: with full logs every one, else those
   * that failed (they are significant: {@code SIGNIFICANCE_CONNECTION_ERROR}).
   */
  boolean wantsConnection(boolean fullLogs, boolean failed);

  /**
   * Takes a log (encoded at once: the record may be filled again as soon as this returns); never
   * blocks (a full buffer drops and counts it).
   */
  void add(ClientLogRecord log);
}
