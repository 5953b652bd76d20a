package io.gatehouse.bench;

import io.gatehouse.api.analytics.v1.AnalyticsIngestGrpc;
import io.gatehouse.api.analytics.v1.BatchAck;
import io.gatehouse.api.analytics.v1.BatchResult;
import io.gatehouse.api.analytics.v1.FlowControl;
import io.gatehouse.api.analytics.v1.ReportRequest;
import io.gatehouse.api.analytics.v1.ReportResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An analytics endpoint that acknowledges every batch and keeps nothing: for measuring what
 * reporting costs the engine alone (lb-compare with timing and client logs on), without a database
 * competing for the machine's cores. Prints the logs and batches it received on exit.
 */
@Command(
    name = "analytics-sink",
    mixinStandardHelpOptions = true,
    description = "Acknowledge every analytics batch (for engine benchmarks).")
final class AnalyticsSink implements Callable<Integer> {
  @Option(names = "--port", description = "gRPC port (default: ${DEFAULT-VALUE})")
  int port = 19104;

  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong logs = new AtomicLong();

  @Override
  public Integer call() throws Exception {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .maxInboundMessageSize(64 * 1024 * 1024)
            .addService(
                new AnalyticsIngestGrpc.AnalyticsIngestImplBase() {
                  @Override
                  public StreamObserver<ReportRequest> report(StreamObserver<ReportResponse> out) {
                    return new StreamObserver<>() {
                      @Override
                      public void onNext(ReportRequest r) {
                        if (r.hasHello()) {
                          out.onNext(
                              ReportResponse.newBuilder()
                                  .setFlowControl(FlowControl.newBuilder().setCredits(8))
                                  .build());
                          return;
                        }
                        long id =
                            r.hasMetrics() ? r.getMetrics().getBatchId() : r.getLogs().getBatchId();
                        batches.incrementAndGet();
                        logs.addAndGet(r.getLogs().getLogsCount());
                        out.onNext(
                            ReportResponse.newBuilder()
                                .setAck(
                                    BatchAck.newBuilder()
                                        .setBatchId(id)
                                        .setResult(BatchResult.BATCH_RESULT_STORED))
                                .build());
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        out.onCompleted();
                      }
                    };
                  }
                })
            .build()
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    System.out.printf(
                        "analytics-sink: %d batches, %d client logs%n",
                        batches.get(), logs.get())));
    server.awaitTermination();
    return 0;
  }
}
