package io.gatehouse.engine.pool;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every open connection to each pool member, HTTP or TCP, kept per event loop (a connection is
 * tracked and forgotten on its own loop, so no lock): what closes a removed member's connections
 * when its draining time ends. One entry per connection, nothing per request.
 */
public final class MemberConnections {
  private final FastThreadLocal<Map<InetSocketAddress, Set<Channel>>> open =
      new FastThreadLocal<>() {
        @Override
        protected Map<InetSocketAddress, Set<Channel>> initialValue() {
          return new HashMap<>();
        }
      };

  /** Tracks {@code connection} to {@code member} until it closes; call on its event loop. */
  public void track(InetSocketAddress member, Channel connection) {
    Set<Channel> toMember = open.get().computeIfAbsent(member, m -> new HashSet<>());
    toMember.add(connection);
    connection
        .closeFuture()
        .addListener(
            f -> {
              if (toMember.remove(connection) && toMember.isEmpty()) {
                open.get().remove(member, toMember);
              }
            });
  }

  /** Closes every connection to {@code member}, in use or idle, on each of {@code loops}. */
  public void closeAll(Iterable<EventExecutor> loops, InetSocketAddress member) {
    for (EventExecutor loop : loops) {
      loop.execute(
          () -> {
            Set<Channel> toMember = open.get().get(member);
            if (toMember != null) {
              List.copyOf(toMember).forEach(Channel::close);
            }
          });
    }
  }
}
