package io.gatehouse.engine.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.testing.H2Client;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.testsupport.RawGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * gRPC members that go away while calls arrive: a call a member's GOAWAY says it never processed
 * goes to another member, body and all, whatever its method; a member shutting down gracefully
 * under load costs no call.
 */
@ExtendWith(LeakCheck.class)
class GrpcMemberShutdownIT {
  private static final MethodDescriptor<byte[], byte[]> SAY = RawGrpc.unary("demo.Echo/Say");

  private final ServiceEngine engine = RunningEngine.start();
  private final int port = RunningEngine.freePort();
  private final List<AutoCloseable> members = new ArrayList<>();
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (AutoCloseable member : members) {
      member.close();
    }
    engine.close();
  }

  @Test
  void aCallTheMembersGoawayRefusedGoesToAnotherMemberBodyAndAll() throws Exception {
    RefusingMember refusing = new RefusingMember();
    members.add(refusing);
    AtomicInteger served = new AtomicInteger();
    int echo = echoMember(served).getPort();
    serve(refusing.port(), echo);

    for (int i = 0; i < 4; i++) { // round robin: two of them reach the refusing member first
      byte[] body = ("call " + i).getBytes(StandardCharsets.UTF_8);
      assertThat(say(body)).isEqualTo(body);
    }

    assertThat(refusing.refused.get()).isPositive();
    assertThat(served.get()).isEqualTo(4);
    assertThat(engine.services().get("grpc").stats().requests()).isEqualTo(4);
  }

  @Test
  void aCallRefusedBeforeItsBodyCameGoesOnToAnotherMemberWithIt() throws Exception {
    RefusingMember refusing = new RefusingMember();
    members.add(refusing);
    AtomicInteger served = new AtomicInteger();
    serve(refusing.port(), echoMember(served).getPort()); // the first call goes to the first

    try (H2Client client = H2Client.connect(port)) {
      client.request(
          1, "POST", "/demo.Echo/Say", false, "content-type", "application/grpc", "te", "trailers");
      await().atMost(Duration.ofSeconds(10)).until(() -> refusing.refused.get() == 1);
      byte[] message = {0, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'}; // one gRPC message: "hello"
      client.frame(H2Client.DATA, H2Client.END_STREAM, 1, message);

      H2Client.Response response = client.response(1);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(new String(message, StandardCharsets.ISO_8859_1));
    }
    assertThat(served.get()).isEqualTo(1);
  }

  @Test
  void aMemberShuttingDownGracefullyUnderLoadCostsNoCall() throws Exception {
    AtomicInteger servedByLeaving = new AtomicInteger();
    Server leaving = echoMember(servedByLeaving);
    Server staying = echoMember(new AtomicInteger());
    serve(leaving.getPort(), staying.getPort());

    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicLong done = new AtomicLong();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread caller =
          new Thread(
              () -> {
                for (int i = 0; i < 400; i++) {
                  try {
                    say(new byte[] {1, 2, 3});
                    done.incrementAndGet();
                  } catch (RuntimeException e) {
                    failures.add(e);
                  }
                }
              },
              "caller-" + t);
      caller.start();
      callers.add(caller);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> servedByLeaving.get() >= 100);
    leaving.shutdown(); // GOAWAY, calls under way finish, new ones go to the other member
    for (Thread caller : callers) {
      caller.join(TimeUnit.SECONDS.toMillis(60));
    }

    assertThat(failures).isEmpty();
    assertThat(done.get()).isEqualTo(1600);
    assertThat(leaving.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private void serve(int... memberPorts) {
    List<EndpointConfig> endpoints = new ArrayList<>();
    for (int memberPort : memberPorts) {
      endpoints.add(new EndpointConfig("127.0.0.1", memberPort, 1));
    }
    engine.apply(H2cService.on(port, endpoints));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  private byte[] say(byte[] message) {
    return ClientCalls.blockingUnaryCall(
        channel, SAY, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), message);
  }

  /** A grpc-java server echoing {@code demo.Echo/Say}, counting the calls it serves. */
  private Server echoMember(AtomicInteger served) throws Exception {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                ServerServiceDefinition.builder("demo.Echo")
                    .addMethod(
                        SAY,
                        ServerCalls.asyncUnaryCall(
                            (byte[] request, StreamObserver<byte[]> response) -> {
                              served.incrementAndGet();
                              response.onNext(request);
                              response.onCompleted();
                            }))
                    .build())
            .build()
            .start();
    members.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return server;
  }

  /**
   * A member that answers every stream's HEADERS with a GOAWAY naming no stream as processed (RFC
   * 9113, 6.8), and keeps its connection open.
   */
  private static final class RefusingMember implements AutoCloseable {
    private final EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel listener;
    final AtomicInteger refused = new AtomicInteger();

    RefusingMember() throws InterruptedException {
      listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      Http2FrameCodec codec = Http2FrameCodecBuilder.forServer().build();
                      ch.pipeline()
                          .addLast(codec)
                          .addLast(
                              new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                  if (msg instanceof Http2HeadersFrame) {
                                    refused.incrementAndGet();
                                    codec.goAway(
                                        ctx.pipeline().context(codec),
                                        0,
                                        Http2Error.NO_ERROR.code(),
                                        Unpooled.EMPTY_BUFFER,
                                        ctx.newPromise());
                                    ctx.flush();
                                  }
                                  ReferenceCountUtil.release(msg);
                                }
                              });
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
    }

    int port() {
      return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
      listener.close().syncUninterruptibly();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
