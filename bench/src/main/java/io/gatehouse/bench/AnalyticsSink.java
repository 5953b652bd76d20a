package io.gatehouse.bench;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.gatehouse.api.analytics.v1.AnalyticsIngestGrpc;
import io.gatehouse.api.analytics.v1.BatchAck;
import io.gatehouse.api.analytics.v1.BatchResult;
import io.gatehouse.api.analytics.v1.FlowControl;
import io.gatehouse.api.analytics.v1.LogBatch;
import io.gatehouse.api.analytics.v1.ReportRequest;
import io.gatehouse.api.analytics.v1.ReportResponse;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
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
    MethodDescriptor<Skimmed, ReportResponse> report =
        AnalyticsIngestGrpc.getReportMethod().toBuilder(SKIMMING, RESPONSES).build();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .maxInboundMessageSize(64 * 1024 * 1024)
            .addService(
                ServerServiceDefinition.builder(AnalyticsIngestGrpc.SERVICE_NAME)
                    .addMethod(report, ServerCalls.asyncBidiStreamingCall(this::report))
                    .build())
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

  private StreamObserver<Skimmed> report(StreamObserver<ReportResponse> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(Skimmed request) {
        if (request.hello()) {
          out.onNext(
              ReportResponse.newBuilder()
                  .setFlowControl(FlowControl.newBuilder().setCredits(8))
                  .build());
          return;
        }
        batches.incrementAndGet();
        logs.addAndGet(request.logs());
        out.onNext(
            ReportResponse.newBuilder()
                .setAck(
                    BatchAck.newBuilder()
                        .setBatchId(request.batchId())
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

  /**
   * What the sink reads of a {@code ReportRequest}: whether it is the hello, the batch id, and how
   * many client logs it carries, read without building the logs (parsing them cost the sink more
   * CPU than the engine spent writing them, on the core the benchmark's load runs on).
   */
  record Skimmed(boolean hello, long batchId, int logs) {}

  private static final MethodDescriptor.Marshaller<ReportResponse> RESPONSES =
      ProtoUtils.marshaller(ReportResponse.getDefaultInstance());

  private static final MethodDescriptor.Marshaller<Skimmed> SKIMMING =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(Skimmed value) {
          throw new UnsupportedOperationException("the sink only receives reports");
        }

        @Override
        public Skimmed parse(InputStream stream) {
          try {
            return skim(CodedInputStream.newInstance(stream));
          } catch (IOException e) {
            throw Status.INVALID_ARGUMENT
                .withDescription("not a ReportRequest: " + e.getMessage())
                .asRuntimeException();
          }
        }
      };

  static Skimmed skim(CodedInputStream in) throws IOException {
    int tag = in.readTag();
    int field = WireFormat.getTagFieldNumber(tag);
    if (field != ReportRequest.METRICS_FIELD_NUMBER && field != ReportRequest.LOGS_FIELD_NUMBER) {
      return new Skimmed(field == ReportRequest.HELLO_FIELD_NUMBER, 0, 0);
    }
    int limit = in.pushLimit(in.readRawVarint32());
    long batchId = 0;
    int logs = 0;
    for (int inner = in.readTag(); inner != 0; inner = in.readTag()) {
      if (WireFormat.getTagFieldNumber(inner) == LogBatch.BATCH_ID_FIELD_NUMBER) {
        batchId = in.readUInt64(); // MetricBatch's batch_id has the same number
      } else {
        if (field == ReportRequest.LOGS_FIELD_NUMBER
            && WireFormat.getTagFieldNumber(inner) == LogBatch.LOGS_FIELD_NUMBER) {
          logs++;
        }
        in.skipField(inner);
      }
    }
    in.popLimit(limit);
    return new Skimmed(false, batchId, logs);
  }
}
