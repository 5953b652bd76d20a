package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

/**
 * A pool's B pool: a share of the pool's new requests (TCP: connections, UDP: sessions) goes there.
 *
 * @param pool the B pool's name; it has no B pool itself
 * @param percent the share, 0 to 100
 * @param sticky choose by the client's address (a client stays on its side) rather than spreading
 *     exactly {@code percent} of every 100 evenly
 */
public record AbPoolConfig(String pool, int percent, boolean sticky) {
  public AbPoolConfig {
    requireNonNull(pool, "pool");
  }
}
