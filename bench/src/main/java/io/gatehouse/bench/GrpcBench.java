package io.gatehouse.bench;

import io.gatehouse.testsupport.RawGrpc;
import io.gatehouse.testsupport.ServiceJar;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * gRPC unary calls with grpc-java on both sides, straight to the server and through the service
 * engine (its jar, a pool of MEMBER_PROTOCOL_H2C), one call at a time, rounds alternating: the
 * latency the engine adds at p50 and p99.
 */
@Command(
    name = "grpc",
    mixinStandardHelpOptions = true,
    description = "gRPC unary calls direct and through the engine: the latency the engine adds.")
final class GrpcBench implements Callable<Integer> {
  private static final MethodDescriptor<byte[], byte[]> SAY = RawGrpc.unary("bench.Echo/Say");

  @Option(names = "--calls", description = "calls per round and path (default: ${DEFAULT-VALUE})")
  int calls = 10_000;

  @Option(names = "--rounds", description = "measured rounds (default: ${DEFAULT-VALUE})")
  int rounds = 5;

  @Option(names = "--warmup", description = "warm-up calls per path (default: ${DEFAULT-VALUE})")
  int warmup = 30_000;

  @Override
  public Integer call() throws Exception {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                ServerServiceDefinition.builder("bench.Echo")
                    .addMethod(
                        SAY,
                        ServerCalls.asyncUnaryCall(
                            (request, response) -> {
                              response.onNext(request);
                              response.onCompleted();
                            }))
                    .build())
            .build()
            .start();
    int listen = ServiceJar.freePort();
    Path config = Files.createTempFile("grpc-bench", ".yaml");
    Files.writeString(
        config,
        """
        virtual_services:
          - {name: grpc, listeners: [{address: 127.0.0.1, port: %d}], pool: grpc}
        pools:
          - {name: grpc, member_protocol: H2C, endpoints: [{address: 127.0.0.1, port: %d}]}
        """
            .formatted(listen, server.getPort()));
    try (ServiceJar engine =
        ServiceJar.start(
            "service-engine",
            List.of("--config=" + config, "--admin=127.0.0.1:" + ServiceJar.freePort()),
            Map.of())) {
      ManagedChannel direct =
          NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
      ManagedChannel proxied =
          NettyChannelBuilder.forAddress("127.0.0.1", listen).usePlaintext().build();
      waitForEngine(proxied);
      byte[] message = new byte[64];
      run(direct, message, warmup, null);
      run(proxied, message, warmup, null);
      Histogram directTimes = new Histogram(3);
      Histogram proxiedTimes = new Histogram(3);
      for (int r = 0; r < rounds; r++) {
        run(direct, message, calls, directTimes);
        run(proxied, message, calls, proxiedTimes);
      }
      System.out.printf(
          "grpc unary, 64-byte messages, one call at a time, %d calls per path%n", calls * rounds);
      print("direct", directTimes);
      print("engine", proxiedTimes);
      System.out.printf(
          "added by the engine: p50 %.0f us, p99 %.0f us%n",
          (proxiedTimes.getValueAtPercentile(50) - directTimes.getValueAtPercentile(50)) / 1e3,
          (proxiedTimes.getValueAtPercentile(99) - directTimes.getValueAtPercentile(99)) / 1e3);
      direct.shutdownNow();
      proxied.shutdownNow();
    } finally {
      server.shutdownNow();
      Files.deleteIfExists(config);
    }
    return 0;
  }

  private static void waitForEngine(ManagedChannel channel) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      try {
        call(channel, new byte[1]);
        return;
      } catch (RuntimeException notYet) {
        Thread.sleep(100); // the engine's jar is starting
      }
    }
    throw new IllegalStateException("the engine did not serve the gRPC call");
  }

  private static void run(ManagedChannel channel, byte[] message, int n, Histogram into) {
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      call(channel, message);
      if (into != null) {
        into.recordValue(System.nanoTime() - start);
      }
    }
  }

  private static byte[] call(ManagedChannel channel, byte[] message) {
    return ClientCalls.blockingUnaryCall(
        channel, SAY, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), message);
  }

  private static void print(String path, Histogram times) {
    System.out.printf(
        "%-7s p50 %6.0f us  p99 %6.0f us  p99.9 %6.0f us%n",
        path,
        times.getValueAtPercentile(50) / 1e3,
        times.getValueAtPercentile(99) / 1e3,
        times.getValueAtPercentile(99.9) / 1e3);
  }
}
