package io.gatehouse.engine.listener;

import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
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
   * Makes the bound sockets exactly the listeners of {@code services}. Sockets that are gone, or
   * changed hands or settings, close first; then each virtual service's new sockets are bound, all
   * or none: when one cannot be bound, the others bound for that service close again and the
   * service keeps the sockets it had.
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
          || !now.config().equals(old.config())) {
        old.channel().close().syncUninterruptibly();
        log.info("listener {} of {} closed", old.config().socket(), old.virtualService());
        it.remove();
      }
    }
    Map<String, String> failed = new LinkedHashMap<>();
    for (VirtualServiceConfig vs : services) {
      String reason = bindAll(vs, runtimes.get(vs.name()));
      if (reason != null) {
        failed.put(vs.name(), reason);
        log.warn("virtual service {} keeps its previous listeners: {}", vs.name(), reason);
      }
    }
    return failed;
  }

  /** Binds the service's missing sockets, all or none; the reason when not all could be. */
  private String bindAll(VirtualServiceConfig vs, VirtualService runtime) {
    List<Bound> added = new ArrayList<>();
    for (ListenerConfig config : vs.listeners()) {
      if (bound.containsKey(config.socket())) {
        continue;
      }
      ChannelFuture binding =
          binders.get(config.protocol()).bind(config, runtime).awaitUninterruptibly();
      if (!binding.isSuccess()) {
        for (Bound undo : added) {
          undo.channel().close().syncUninterruptibly();
          bound.remove(undo.config().socket());
        }
        return "cannot listen on " + config.socket() + ": " + binding.cause().getMessage();
      }
      Bound now = new Bound(vs.name(), config, binding.channel());
      bound.put(config.socket(), now);
      added.add(now);
    }
    added.forEach(
        b ->
            log.info(
                "listening on {} ({}{}) for {}",
                b.config().socket(),
                b.config().protocol(),
                b.config().tls() ? ", TLS" : "",
                vs.name()));
    return null;
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
