package io.gatehouse.engine.http2;

import java.time.Duration;

/**
 * What one HTTP/2 client connection may ask of the engine.
 *
 * @param maxConcurrentStreams streams open at once (SETTINGS_MAX_CONCURRENT_STREAMS)
 * @param initialWindowSize each stream's flow-control window, what a client may send ahead of the
 *     engine's reading (and what the engine buffers for a stream at most)
 * @param maxHeaderListSize largest decoded header block (SETTINGS_MAX_HEADER_LIST_SIZE): a larger
 *     one gets its stream refused, and one far larger (HPACK bombs, CONTINUATION floods) the
 *     connection closed
 * @param maxResetsPerWindow streams a client may reset within {@code resetWindow} before the
 *     connection is closed (rapid reset, CVE-2023-44487), and streams the engine may reset (a
 *     client can provoke that: MadeYouReset, CVE-2025-8671)
 * @param resetWindow the window of {@code maxResetsPerWindow}
 * @param maxControlFramesPerWindow SETTINGS and PING frames a client may send within {@code
 *     controlWindow} before the connection is closed
 * @param controlWindow the window of {@code maxControlFramesPerWindow}
 */
public record Http2Limits(
    int maxConcurrentStreams,
    int initialWindowSize,
    int maxHeaderListSize,
    int maxResetsPerWindow,
    Duration resetWindow,
    int maxControlFramesPerWindow,
    Duration controlWindow) {

  /** The engine's defaults, with {@code maxHeaderListSize} as HTTP/1.1's largest header block. */
  public static Http2Limits defaults(int maxHeaderListSize) {
    return new Http2Limits(
        100, 65_535, maxHeaderListSize, 200, Duration.ofSeconds(30), 200, Duration.ofSeconds(10));
  }
}
