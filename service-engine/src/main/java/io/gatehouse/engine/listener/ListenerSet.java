package io.gatehouse.engine.listener;

import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening sockets of all virtual services. {@link #apply} binds what is new and closes what
 * is gone, leaving every other listener (and its connections) alone; a socket that cannot be bound
 * (a port in use) fails its virtual service only.
 */
public final class ListenerSet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ListenerSet.class);

  private record Bound(String virtualService, ListenerConfig config, Channel channel) {}

  /** Binds a listening socket of one protocol for a virtual service. */
  @FunctionalInterface
  public interface Binder {
    ChannelFuture bind(ListenerConfig listener, VirtualService service);
  }

  private final Map<Protocol, Binder> binders;
  private final Map<String, Bound> bound = new LinkedHashMap<>();

  /**
   * @param binders how a socket of each protocol is bound
   */
  public ListenerSet(Map<Protocol, Binder> binders) {
    this.binders = binders;
  }

  /**
   * Makes the bound sockets exactly the listeners of {@code services}.
   *
   * @return the virtual services that failed, with the reason (e.g. a port in use)
   */
  public synchronized Map<String, String> apply(
      Iterable<VirtualServiceConfig> services, Map<String, VirtualService> runtimes) {
    Map<String, Bound> wanted = new HashMap<>();
    for (VirtualServiceConfig vs : services) {
      for (ListenerConfig listener : vs.listeners()) {
        wanted.put(listener.socket(), new Bound(vs.name(), listener, null));
      }
    }
    for (Iterator<Map.Entry<String, Bound>> it = bound.entrySet().iterator(); it.hasNext(); ) {
      Bound old = it.next().getValue();
      Bound now = wanted.get(old.config().socket());
      if (now == null
          || !now.virtualService().equals(old.virtualService())
          || now.config().protocol() != old.config().protocol()) {
        old.channel().close().syncUninterruptibly();
        log.info("listener {} of {} closed", old.config().socket(), old.virtualService());
        it.remove();
      }
    }
    Map<String, String> failed = new LinkedHashMap<>();
    for (Bound want : wanted.values()) {
      if (bound.containsKey(want.config().socket())) {
        continue;
      }
      ListenerConfig config = want.config();
      ChannelFuture binding =
          binders
              .get(config.protocol())
              .bind(config, runtimes.get(want.virtualService()))
              .awaitUninterruptibly();
      if (binding.isSuccess()) {
        bound.put(config.socket(), new Bound(want.virtualService(), config, binding.channel()));
        log.info(
            "listening on {} ({}) for {}",
            config.socket(),
            config.protocol(),
            want.virtualService());
      } else {
        String reason = "cannot listen on " + config.socket() + ": " + binding.cause().getMessage();
        failed.merge(want.virtualService(), reason, (a, b) -> a + "; " + b);
        log.warn("virtual service {}: {}", want.virtualService(), reason);
      }
    }
    return failed;
  }

  /** The sockets bound now, address:port → virtual service. */
  public synchronized Map<String, String> sockets() {
    Map<String, String> sockets = new LinkedHashMap<>();
    bound.forEach((socket, b) -> sockets.put(socket, b.virtualService()));
    return sockets;
  }

  @Override
  public synchronized void close() {
    bound.values().forEach(b -> b.channel().close().syncUninterruptibly());
    bound.clear();
  }
}
