package io.gatehouse.engine.health;

import io.gatehouse.engine.config.HealthMonitorConfig;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.tls.MemberTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the members of every pool that has active monitors, on an event loop of its own (so probes
 * never wait behind traffic, and traffic never behind probes): a TCP connect (optionally bytes sent
 * and bytes expected back), or an HTTP request whose status must be expected, each within the
 * monitor's timeout and at the monitor's port if it has one. The verdicts go to the members
 * (rise/fall per monitor; up while every monitor says so), which the load balancers read.
 */
public final class HealthChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  private record Schedule(List<HealthMonitorConfig> monitors, List<ScheduledFuture<?>> tasks) {}

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

  /** Probes the pools that have monitors from now on, and stops probing the others. */
  public synchronized void update(Collection<Pool> pools) {
    Map<String, Pool> monitored = new HashMap<>();
    pools.stream()
        .filter(p -> !p.config().healthMonitors().isEmpty())
        .forEach(p -> monitored.put(p.name(), p));
    schedules
        .entrySet()
        .removeIf(
            e -> {
              Pool pool = monitored.get(e.getKey());
              boolean stale =
                  pool == null || !pool.config().healthMonitors().equals(e.getValue().monitors());
              if (stale) {
                e.getValue().tasks().forEach(t -> t.cancel(false));
              }
              return stale;
            });
    for (Pool pool : pools) {
      if (pool.config().healthMonitors().isEmpty()) {
        pool.members().forEach(m -> m.setHealthy(true)); // no monitor: nobody says otherwise
      }
    }
    monitored.forEach(
        (name, pool) ->
            schedules.computeIfAbsent(
                name,
                n -> {
                  List<HealthMonitorConfig> monitors = pool.config().healthMonitors();
                  List<ScheduledFuture<?>> tasks = new ArrayList<>();
                  for (int i = 0; i < monitors.size(); i++) {
                    int index = i;
                    HealthMonitorConfig monitor = monitors.get(i);
                    tasks.add(
                        group.scheduleAtFixedRate(
                            () -> probeAllSafely(pool, index, monitors.size(), monitor),
                            0,
                            monitor.interval().toNanos(),
                            TimeUnit.NANOSECONDS));
                  }
                  return new Schedule(monitors, tasks);
                }));
  }

  /** A periodic task that throws is never run again: a failed round is logged, the next runs. */
  private void probeAllSafely(Pool pool, int index, int monitors, HealthMonitorConfig monitor) {
    try {
      probeAll(pool, index, monitors, monitor);
    } catch (RuntimeException e) {
      log.warn("pool {}: a round of health probes failed: {}", pool.name(), e.toString());
    }
  }

  private void probeAll(Pool pool, int index, int monitors, HealthMonitorConfig monitor) {
    for (Endpoint member : pool.members()) {
      probe(
          bootstrap,
          member,
          pool.tls(),
          monitor,
          ok -> {
            if (member.probed(index, monitors, ok, monitor.rise(), monitor.fall())) {
              log.info(
                  "pool {}: member {} is {} ({} probe {})",
                  pool.name(),
                  member.id(),
                  member.healthy() ? "up" : "down",
                  monitor.type(),
                  index + 1);
            }
          });
    }
  }

  /**
   * Runs one probe; {@code result} hears true or false exactly once, on the checker's loop. HTTP
   * and gRPC probes of a pool with member TLS ({@code tls} not null) go over it; a TCP probe tests
   * the port alone.
   */
  static void probe(
      Bootstrap bootstrap,
      Endpoint member,
      MemberTls tls,
      HealthMonitorConfig monitor,
      Consumer<Boolean> result) {
    if (monitor.type() == HealthMonitorConfig.Type.GRPC) {
      GrpcProbe.probe(bootstrap, member, tls, monitor, result);
      return;
    }
    Promise<Boolean> outcome = bootstrap.config().group().next().newPromise();
    outcome.addListener(f -> result.accept(f.isSuccess() && Boolean.TRUE.equals(f.getNow())));
    int timeoutMillis = (int) monitor.timeout().toMillis();
    InetSocketAddress target = target(member, monitor);
    Bootstrap probe =
        bootstrap
            .clone()
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (monitor.type() == HealthMonitorConfig.Type.HTTP) {
                      overTls(ch, tls, target, member, monitor, false);
                      ch.pipeline()
                          .addLast(new HttpClientCodec(), new StatusCheck(outcome, monitor));
                    } else if (!monitor.expect().isEmpty()) {
                      ch.pipeline().addLast(new ReplyCheck(outcome, monitor.expect()));
                    }
                  }
                });
    probe
        .connect(target)
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  Channel channel = connected.channel();
                  if (!connected.isSuccess()) {
                    outcome.trySuccess(false);
                    return;
                  }
                  if (monitor.type() == HealthMonitorConfig.Type.TCP
                      && monitor.send().isEmpty()
                      && monitor.expect().isEmpty()) {
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
                  if (monitor.type() == HealthMonitorConfig.Type.TCP) {
                    if (!monitor.send().isEmpty()) {
                      channel.writeAndFlush(
                          Unpooled.copiedBuffer(monitor.send(), StandardCharsets.ISO_8859_1));
                    }
                    if (monitor.expect().isEmpty()) {
                      outcome.trySuccess(true); // sent: nothing to wait for
                    }
                    return;
                  }
                  DefaultFullHttpRequest request =
                      new DefaultFullHttpRequest(
                          HttpVersion.HTTP_1_1,
                          HttpMethod.valueOf(monitor.method()),
                          monitor.path());
                  request
                      .headers()
                      .set(
                          HttpHeaderNames.HOST,
                          monitor.hostHeader() != null ? monitor.hostHeader() : member.id())
                      .set(HttpHeaderNames.USER_AGENT, "gatehouse-health-check")
                      .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                  channel.writeAndFlush(request);
                });
  }

  /** Where {@code monitor} probes {@code member}: at the member's port, or the monitor's own. */
  static InetSocketAddress target(Endpoint member, HealthMonitorConfig monitor) {
    return monitor.port() == 0
        ? member.address()
        : new InetSocketAddress(member.address().getAddress(), monitor.port());
  }

  /**
   * Puts the pool's member TLS ({@code tls}; null: none) first on a probe's connection, offering
   * HTTP/2 by ALPN when {@code h2}, else HTTP/1.1.
   */
  static void overTls(
      Channel ch,
      MemberTls tls,
      InetSocketAddress target,
      Endpoint member,
      HealthMonitorConfig monitor,
      boolean h2) {
    if (tls != null) {
      ch.pipeline()
          .addLast(tls.handler(ch.alloc(), target, member.hostname(), monitor.timeout(), h2));
    }
  }

  /** Succeeds the probe on an expected status (2xx or 3xx unless said), fails it otherwise. */
  private static final class StatusCheck extends SimpleChannelInboundHandler<HttpObject> {
    private final Promise<Boolean> outcome;
    private final HealthMonitorConfig monitor;

    StatusCheck(Promise<Boolean> outcome, HealthMonitorConfig monitor) {
      this.outcome = outcome;
      this.monitor = monitor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse response) {
        outcome.trySuccess(
            !response.decoderResult().isFailure() && monitor.passes(response.status().code()));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      outcome.trySuccess(false);
      ctx.close();
    }
  }

  /**
   * Succeeds a TCP probe once the reply contains the expected bytes; reads at most 64 KiB of it (a
   * member that never says them fails at the timeout, or at that bound).
   */
  private static final class ReplyCheck extends SimpleChannelInboundHandler<ByteBuf> {
    private static final int MAX_REPLY = 64 * 1024;
    private final Promise<Boolean> outcome;
    private final String expect;
    private final StringBuilder reply = new StringBuilder();

    ReplyCheck(Promise<Boolean> outcome, String expect) {
      this.outcome = outcome;
      this.expect = expect;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf bytes) {
      reply.append(bytes.toString(StandardCharsets.ISO_8859_1));
      if (reply.indexOf(expect) >= 0) {
        outcome.trySuccess(true);
      } else if (reply.length() > MAX_REPLY) {
        outcome.trySuccess(false);
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
    schedules.values().forEach(s -> s.tasks().forEach(t -> t.cancel(false)));
    schedules.clear();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
