package io.gatehouse.engine.health;

import io.gatehouse.engine.config.HealthMonitorConfig;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the members of every pool that has an active monitor, on an event loop of its own (so
 * probes never wait behind traffic, and traffic never behind probes): a TCP connect, or an HTTP GET
 * that must answer 2xx or 3xx, each within the monitor's timeout. The verdicts go to the members
 * (rise/fall), which the load balancers read.
 */
public final class HealthChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  private record Schedule(HealthMonitorConfig monitor, ScheduledFuture<?> task) {}

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final Map<String, Schedule> schedules = new HashMap<>();

  public HealthChecker(Transport transport) {
    this.group = transport.group(1, "se-health");
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true);
  }

  /** Probes the pools that have a monitor from now on, and stops probing the others. */
  public synchronized void update(Collection<Pool> pools) {
    Map<String, Pool> monitored = new HashMap<>();
    pools.stream()
        .filter(p -> p.config().healthMonitor() != null)
        .forEach(p -> monitored.put(p.name(), p));
    schedules
        .entrySet()
        .removeIf(
            e -> {
              Pool pool = monitored.get(e.getKey());
              boolean stale =
                  pool == null || !pool.config().healthMonitor().equals(e.getValue().monitor());
              if (stale) {
                e.getValue().task().cancel(false);
              }
              return stale;
            });
    for (Pool pool : pools) {
      if (pool.config().healthMonitor() == null) {
        pool.members().forEach(m -> m.setHealthy(true)); // no monitor: nobody says otherwise
      }
    }
    monitored.forEach(
        (name, pool) ->
            schedules.computeIfAbsent(
                name,
                n -> {
                  HealthMonitorConfig monitor = pool.config().healthMonitor();
                  long every = monitor.interval().toNanos();
                  return new Schedule(
                      monitor,
                      group.scheduleAtFixedRate(
                          () -> probeAllSafely(pool, monitor), 0, every, TimeUnit.NANOSECONDS));
                }));
  }

  /** A periodic task that throws is never run again: a failed round is logged, the next runs. */
  private void probeAllSafely(Pool pool, HealthMonitorConfig monitor) {
    try {
      probeAll(pool, monitor);
    } catch (RuntimeException e) {
      log.warn("pool {}: a round of health probes failed: {}", pool.name(), e.toString());
    }
  }

  private void probeAll(Pool pool, HealthMonitorConfig monitor) {
    for (Endpoint member : pool.members()) {
      probe(
          member,
          monitor,
          ok -> {
            if (member.probed(ok, monitor.rise(), monitor.fall())) {
              log.info(
                  "pool {}: member {} is {} ({} probe)",
                  pool.name(),
                  member.id(),
                  member.healthy() ? "up" : "down",
                  monitor.type());
            }
          });
    }
  }

  /** Runs one probe; {@code result} hears true or false exactly once, on the checker's loop. */
  static void probe(
      Bootstrap bootstrap, Endpoint member, HealthMonitorConfig monitor, Consumer<Boolean> result) {
    Promise<Boolean> outcome = bootstrap.config().group().next().newPromise();
    outcome.addListener(f -> result.accept(f.isSuccess() && Boolean.TRUE.equals(f.getNow())));
    int timeoutMillis = (int) monitor.timeout().toMillis();
    Bootstrap probe =
        bootstrap
            .clone()
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (monitor.type() == HealthMonitorConfig.Type.HTTP) {
                      ch.pipeline().addLast(new HttpClientCodec(), new StatusCheck(outcome));
                    }
                  }
                });
    probe
        .connect(member.address())
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  Channel channel = connected.channel();
                  if (!connected.isSuccess()) {
                    outcome.trySuccess(false);
                    return;
                  }
                  if (monitor.type() == HealthMonitorConfig.Type.TCP) {
                    outcome.trySuccess(true);
                    channel.close();
                    return;
                  }
                  var timeout =
                      channel
                          .eventLoop()
                          .schedule(
                              () -> outcome.trySuccess(false),
                              timeoutMillis,
                              TimeUnit.MILLISECONDS);
                  outcome.addListener(
                      f -> {
                        timeout.cancel(false);
                        channel.close();
                      });
                  channel.closeFuture().addListener(f -> outcome.trySuccess(false));
                  DefaultFullHttpRequest request =
                      new DefaultFullHttpRequest(
                          HttpVersion.HTTP_1_1, HttpMethod.GET, monitor.path());
                  request
                      .headers()
                      .set(HttpHeaderNames.HOST, member.id())
                      .set(HttpHeaderNames.USER_AGENT, "gatehouse-health-check")
                      .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                  channel.writeAndFlush(request);
                });
  }

  private void probe(Endpoint member, HealthMonitorConfig monitor, Consumer<Boolean> result) {
    probe(bootstrap, member, monitor, result);
  }

  /** Succeeds the probe on a 2xx or 3xx status, fails it on anything else. */
  private static final class StatusCheck extends SimpleChannelInboundHandler<HttpObject> {
    private final Promise<Boolean> outcome;

    StatusCheck(Promise<Boolean> outcome) {
      this.outcome = outcome;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse response) {
        int code = response.status().code();
        outcome.trySuccess(!response.decoderResult().isFailure() && code >= 200 && code < 400);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      outcome.trySuccess(false);
      ctx.close();
    }
  }

  @Override
  public synchronized void close() {
    schedules.values().forEach(s -> s.task().cancel(false));
    schedules.clear();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
