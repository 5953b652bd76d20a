package io.gatehouse.engine;

import io.gatehouse.engine.analytics.ClientLogs;
import io.gatehouse.engine.config.InvalidConfigException;
import io.gatehouse.engine.http.HttpSettings;
import io.gatehouse.engine.http2.Http2Limits;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What HTTP listeners allow and keep: member connections kept idle, and what one HTTP/2 client
 * connection may ask (streams, window, header list, resets and control frames).
 */
final class HttpOptions {
  private static final HttpSettings DEFAULTS = HttpSettings.defaults();
  private static final Http2Limits H2 = DEFAULTS.http2();

  @Option(
      names = "--max-idle-per-member",
      description =
          "idle keep-alive connections kept per pool member and event loop; more than the"
              + " requests in flight to a member makes every one reuse a connection"
              + " (default: ${DEFAULT-VALUE})")
  int maxIdlePerMember = DEFAULTS.maxIdlePerMember();

  @Option(
      names = "--http2-max-concurrent-streams",
      description =
          "streams one HTTP/2 client connection may have open (default: ${DEFAULT-VALUE})")
  int maxConcurrentStreams = H2.maxConcurrentStreams();

  @Option(
      names = "--http2-initial-window-size",
      description =
          "bytes a client may send on a stream ahead of the engine's reading, and what the engine"
              + " buffers for it at most (default: ${DEFAULT-VALUE})")
  int initialWindowSize = H2.initialWindowSize();

  @Option(
      names = "--http2-max-header-list-size",
      description =
          "largest decoded HTTP/2 header block; larger gets the stream refused"
              + " (default: ${DEFAULT-VALUE})")
  int maxHeaderListSize = H2.maxHeaderListSize();

  @Option(
      names = "--http2-max-resets",
      description =
          "stream resets a client may send in 30 s before its connection is closed (rapid"
              + " reset), and resets the engine may send it (which a client can provoke)"
              + " (default: ${DEFAULT-VALUE})")
  int maxResets = H2.maxResetsPerWindow();

  @Option(
      names = "--http2-max-control-frames",
      description =
          "SETTINGS and PING frames a client may send in 10 s before its connection is closed"
              + " (default: ${DEFAULT-VALUE})")
  int maxControlFrames = H2.maxControlFramesPerWindow();

  /**
   * The listeners' settings: the defaults with these options and timing, no client logs yet.
   *
   * @throws InvalidConfigException naming the option that is out of range
   */
  HttpSettings settings(boolean timing) {
    range(maxIdlePerMember, 0, 100_000, "--max-idle-per-member");
    range(maxConcurrentStreams, 1, 10_000, "--http2-max-concurrent-streams");
    range(initialWindowSize, 1024, Integer.MAX_VALUE, "--http2-initial-window-size");
    range(maxHeaderListSize, 1024, 1024 * 1024, "--http2-max-header-list-size");
    range(maxResets, 1, 1_000_000, "--http2-max-resets");
    range(maxControlFrames, 1, 1_000_000, "--http2-max-control-frames");
    return new HttpSettings(
        DEFAULTS.maxInitialLineLength(),
        DEFAULTS.maxHeaderSize(),
        DEFAULTS.headerTimeout(),
        DEFAULTS.idleTimeout(),
        DEFAULTS.firstByteTimeout(),
        DEFAULTS.readIdleTimeout(),
        maxIdlePerMember,
        timing,
        ClientLogs.NONE,
        new Http2Limits(
            maxConcurrentStreams,
            initialWindowSize,
            maxHeaderListSize,
            maxResets,
            H2.resetWindow(),
            maxControlFrames,
            H2.controlWindow()));
  }

  private static void range(int value, int min, int max, String option) {
    if (value < min || value > max) {
      throw new InvalidConfigException(
          List.of(
              new InvalidConfigException.Violation(
                  option, "must be " + min + " to " + max + ", not " + value)));
    }
  }
}
