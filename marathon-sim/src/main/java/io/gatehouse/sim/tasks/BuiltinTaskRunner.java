package io.gatehouse.sim.tasks;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Runs the built-in stand-ins for container images in this process: {@code http} (the demo web
 * server) and {@code tcp-echo}, one listener per task port, on the task's address. A stopped task
 * ends as a process does: its listeners and every connection it holds close at once, except that a
 * gRPC task first lets its calls under way finish, as gRPC servers do on SIGTERM.
 */
public final class BuiltinTaskRunner implements TaskRunner {
  /** The stand-ins. */
  public enum Kind {
    HTTP,
    TCP_ECHO
  }

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Set<Channel> listening = ConcurrentHashMap.newKeySet();
  private final Kind kind;

  public BuiltinTaskRunner(Kind kind) {
    this.kind = kind;
  }

  @Override
  public RunningTask start(TaskSpec spec, IntConsumer onExit) throws InterruptedException {
    List<Channel> channels = new ArrayList<>();
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    long delay = Long.parseLong(spec.env().getOrDefault("DEMO_DELAY_MS", "0"));
    double errorRate = Double.parseDouble(spec.env().getOrDefault("DEMO_ERROR_RATE", "0"));
    try {
      for (int port : spec.ports()) {
        InetSocketAddress address = new InetSocketAddress(spec.bindAddress(), port);
        String identity = "task " + spec.taskId() + " at " + spec.bindAddress() + ":" + port;
        Channel channel =
            kind == Kind.HTTP && "grpc".equals(spec.env().get("DEMO_PROTOCOL"))
                ? DemoGrpcServer.start(group, address, identity, connections)
                : kind == Kind.HTTP
                    ? DemoHttpServer.start(
                        group,
                        address,
                        "task " + spec.taskId() + " at " + spec.bindAddress() + ":" + port,
                        delay,
                        errorRate,
                        connections)
                    : TcpEchoServer.start(group, address, connections);
        channels.add(channel);
        listening.add(channel);
      }
    } catch (RuntimeException | InterruptedException e) {
      channels.forEach(Channel::close);
      throw e;
    }
    boolean grpc = kind == Kind.HTTP && "grpc".equals(spec.env().get("DEMO_PROTOCOL"));
    return grace -> {
      channels.forEach(
          c -> {
            listening.remove(c);
            c.close().syncUninterruptibly();
          });
      if (grpc) {
        drain(connections, grace);
      }
      connections.close().syncUninterruptibly();
    };
  }

  /**
   * Ends a gRPC task's connections as a gRPC server does on SIGTERM: calls under way finish, new
   * ones are turned away with a GOAWAY (see {@link DemoGrpcServer#shutDown}); when {@code grace} is
   * over, what is still open is closed at once.
   */
  private static void drain(ChannelGroup connections, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    List<ChannelFuture> closing = connections.stream().map(DemoGrpcServer::shutDown).toList();
    for (ChannelFuture closed : closing) {
      closed.awaitUninterruptibly(
          Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    // past the HTTP/2 codec, which would wait for the calls still open: the grace is over
    connections.forEach(c -> c.pipeline().firstContext().close());
  }

  @Override
  public void stopAll() {
    listening.forEach(c -> c.close().syncUninterruptibly());
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
