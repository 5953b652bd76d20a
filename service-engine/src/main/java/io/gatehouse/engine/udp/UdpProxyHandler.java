package io.gatehouse.engine.udp;

import io.gatehouse.api.analytics.v1.ConnectionEnd;
import io.gatehouse.api.analytics.v1.L4Protocol;
import io.gatehouse.engine.analytics.ClientLogs;
import io.gatehouse.engine.internal.Transport;
import io.gatehouse.engine.limits.ResourceLimits;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.ratelimit.RateLimitFilter;
import io.gatehouse.engine.ratelimit.RateLimiter;
import io.gatehouse.engine.security.SecurityPolicy;
import io.gatehouse.engine.timing.L4Connection;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A UDP listener: each client address is a session with one pool member, chosen at its first
 * datagram (hashed by the client's address for consistent-hash pools). Datagrams go to the member
 * from a socket of the session's own, and the member's answers return to the client from the
 * listener's address. A session idle for the session timeout ends. Datagrams are never queued: when
 * a socket cannot take one, it is dropped, as the network would. Sessions are capped per listener
 * and per source network ({@link SourceNetworks}): a datagram that would open one more is dropped
 * and counted, so spoofed source addresses cannot exhaust the engine.
 */
final class UdpProxyHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private final VirtualService service;
  private final Transport transport;
  private final Duration sessionTimeout;
  private final int maxSessions;
  private final Map<InetSocketAddress, Session> sessions = new HashMap<>();
  private final SourceNetworks networks;
  private final ClientLogs logs;

  UdpProxyHandler(
      VirtualService service, Transport transport, ResourceLimits limits, ClientLogs logs) {
    super(false); // datagrams are forwarded, not released here
    this.service = service;
    this.transport = transport;
    this.sessionTimeout = limits.udpSessionTimeout();
    this.maxSessions = limits.udpSessionsPerListener();
    this.networks = new SourceNetworks(limits.udpSessionsPerSourceNetwork());
    this.logs = logs;
  }

  private final class Session {
    private final InetSocketAddress client;
    private final Endpoint member;
    private final Channel upstream;
    private final ChannelFuture connected;
    private final L4Connection measured;
    private long lastActive = System.nanoTime();
    private ScheduledFuture<?> expiry;

    Session(
        InetSocketAddress client, Endpoint member, ChannelFuture connected, L4Connection measured) {
      this.client = client;
      this.member = member;
      this.upstream = connected.channel();
      this.connected = connected;
      this.measured = measured;
    }

    /** Sends a datagram to the member, once the session's socket is connected to it. */
    void send(ByteBuf datagram) {
      if (connected.isDone()) {
        if (connected.isSuccess() && upstream.isWritable()) {
          upstream.writeAndFlush(datagram);
        } else {
          datagram.release(); // dropped, as a congested network would
        }
        return;
      }
      connected.addListener(f -> send(datagram));
    }

    void touch() {
      lastActive = System.nanoTime();
    }

    void scheduleExpiry(ChannelHandlerContext ctx) {
      long idleFor = System.nanoTime() - lastActive;
      long left = sessionTimeout.toNanos() - idleFor;
      if (left <= 0) {
        measured.ending(ConnectionEnd.CONNECTION_END_IDLE_TIMEOUT);
        end();
        return;
      }
      expiry = ctx.executor().schedule(() -> scheduleExpiry(ctx), left, TimeUnit.NANOSECONDS);
    }

    void end() {
      if (sessions.remove(client, this)) {
        networks.release(client.getAddress());
      }
      member.finished();
      upstream.close();
      if (expiry != null) {
        expiry.cancel(false);
      }
      measured.ended(ConnectionEnd.CONNECTION_END_CLIENT_CLOSED); // else: its listener went
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    InetSocketAddress client = packet.sender();
    int size = packet.content().readableBytes();
    service.stats().bytesIn(size);
    Session session = sessions.get(client);
    if (session == null) {
      session = open(ctx, client);
      if (session == null) {
        packet.release(); // no member is up: dropped
        return;
      }
    }
    session.measured.bytesIn(size);
    session.touch();
    session.send(packet.content()); // the datagram's buffer goes on; the packet is not released
  }

  private Session open(ChannelHandlerContext ctx, InetSocketAddress client) {
    SecurityPolicy policy = service.security();
    if (policy != null && !policy.judge(client.getAddress()).allowed()) {
      service.stats().denied(); // datagrams of a denied client are dropped
      return null;
    }
    if (sessions.size() >= maxSessions) {
      service.stats().refused(ServiceStats.Refusal.UDP_SESSIONS_FULL);
      return null;
    }
    RateLimiter.Verdict verdict = service.rateLimits().sessionOpened(client.getAddress());
    if (verdict != RateLimiter.Verdict.ADMITTED) {
      service.stats().refused(RateLimitFilter.refusal(verdict)); // its datagram is dropped
      return null;
    }
    if (!networks.admit(client.getAddress())) {
      service.stats().refused(ServiceStats.Refusal.UDP_SOURCE_NETWORK_FULL);
      return null;
    }
    Pool served = service.pool();
    Pool pool = served == null ? null : served.side(client.getAddress());
    Endpoint member =
        pool == null ? null : pool.pick(client.getAddress().getHostAddress(), java.util.Set.of());
    if (member == null) {
      networks.release(client.getAddress()); // a datagram, not a session: dropped, not logged
      return null;
    }
    L4Connection measured =
        new L4Connection(
            service, logs, L4Protocol.L4_PROTOCOL_UDP, client.getAddress().getHostAddress());
    measured.memberConnected(pool, member, 0);
    Channel listener = ctx.channel();
    ChannelFuture connecting =
        new Bootstrap()
            .group(ctx.channel().eventLoop())
            .channel(transport.datagramChannel())
            .handler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext upstreamCtx, Object msg) {
                    DatagramPacket answer = (DatagramPacket) msg;
                    Session owner = sessions.get(client);
                    if (owner != null) {
                      owner.touch();
                      owner.measured.bytesOut(answer.content().readableBytes());
                    }
                    service.stats().bytesOut(answer.content().readableBytes());
                    if (listener.isWritable()) {
                      listener.writeAndFlush(new DatagramPacket(answer.content(), client));
                    } else {
                      answer.release();
                    }
                  }
                })
            .connect(member.address())
            .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    Channel upstream = connecting.channel();
    member.started();
    service.stats().connectionOpened();
    upstream.closeFuture().addListener(f -> service.stats().connectionClosed());
    Session session = new Session(client, member, connecting, measured);
    sessions.put(client, session);
    session.scheduleExpiry(ctx);
    return session;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    new java.util.ArrayList<>(sessions.values()).forEach(Session::end);
  }
}
