package io.gatehouse.bench;

import io.gatehouse.api.analytics.v1.AnalyticsIngestGrpc;
import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.LogBatch;
import io.gatehouse.api.analytics.v1.ReportHello;
import io.gatehouse.api.analytics.v1.ReportRequest;
import io.gatehouse.api.analytics.v1.ReportResponse;
import io.gatehouse.api.semanager.v1.ConnectRequest;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.gatehouse.pki.LocalAuthority;
import io.gatehouse.testsupport.PolicyServiceProcess;
import io.gatehouse.testsupport.SeManagerProcess;
import io.gatehouse.testsupport.ServiceJar;
import io.gatehouse.testsupport.TestPostgres;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What TLS costs the engines' two paths, each measured against the same service run without TLS in
 * the same run: se-manager-svc's push (a fresh connection to the welcome: TCP, TLS and HTTP/2
 * handshakes and the hello) and analytics-svc's ingest (a fresh connection to the credits; then
 * batches of client logs, one in flight, to their acknowledgements).
 */
@Command(
    name = "tls",
    mixinStandardHelpOptions = true,
    description = "Benchmark what TLS costs the push and ingest paths.")
final class TlsCostBench implements Callable<Integer> {
  @Option(
      names = "--connections",
      description = "fresh connections timed (default: ${DEFAULT-VALUE})")
  int connections = 300;

  @Option(names = "--batches", description = "log batches timed (default: ${DEFAULT-VALUE})")
  int batches = 200;

  @Option(names = "--logs", description = "client logs per batch (default: ${DEFAULT-VALUE})")
  int logs = 1000;

  private LocalAuthority authority;
  private final Map<ServiceJar, Integer> ports = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public Integer call() throws Exception {
    authority = LocalAuthority.in(Files.createTempDirectory("bench-tls"));
    ChannelCredentials tls =
        TlsChannelCredentials.newBuilder().trustManager(authority.caCertificate().toFile()).build();
    ChannelCredentials plain = InsecureChannelCredentials.create();

    try (ServiceJar plainManager = start("se-manager-svc", false);
        ServiceJar tlsManager = start("se-manager-svc", true)) {
      Latencies plaintext = connects(plainManager, plain, this::welcome);
      Latencies secure = connects(tlsManager, tls, this::welcome);
      report("push: fresh connection -> welcome", plaintext, secure);
    }
    try (ServiceJar plainAnalytics = start("analytics-svc", false);
        ServiceJar tlsAnalytics = start("analytics-svc", true)) {
      Latencies plaintext = connects(plainAnalytics, plain, this::credits);
      Latencies secure = connects(tlsAnalytics, tls, this::credits);
      report("ingest: fresh connection -> credits", plaintext, secure);
      Latencies plainBatches = batches(plainAnalytics, plain);
      Latencies tlsBatches = batches(tlsAnalytics, tls);
      report("ingest: a batch of " + logs + " client logs -> its ack", plainBatches, tlsBatches);
    }
    return 0;
  }

  /** {@code module} on a fresh database, with or without TLS, its gRPC port remembered. */
  private ServiceJar start(String module, boolean withTls) {
    TestPostgres.Database db = TestPostgres.freshDatabase();
    int port = ServiceJar.freePort();
    String prefix = module.equals("se-manager-svc") ? "SEMANAGER" : "ANALYTICS";
    List<String> args =
        new ArrayList<>(
            List.of(
                "--grpc.server.port=" + port,
                "--micronaut.server.port=" + ServiceJar.freePort(),
                "--datasources.default.url=" + db.jdbcUrl(),
                "--datasources.default.username=" + db.user(),
                "--datasources.default.password=" + db.password()));
    if (withTls) {
      LocalAuthority.Issued issued = authority.issue(module, List.of("127.0.0.1"));
      args.addAll(
          List.of(
              "--gatehouse.tls.plaintext=false",
              "--gatehouse.tls.ca=" + authority.caCertificate(),
              "--gatehouse.tls.cert=" + issued.certificate(),
              "--gatehouse.tls.key=" + issued.privateKey()));
    }
    ServiceJar jar =
        ServiceJar.start(
                module,
                List.of("-Xmx256m"),
                args,
                ServiceJar.plaintext(
                    Map.of(
                        "GATEHOUSE_" + prefix + "_AUTH_OPERATOR_TOKENS",
                        PolicyServiceProcess.OPERATOR,
                        "GATEHOUSE_" + prefix + "_AUTH_ENGINE_TOKENS",
                        SeManagerProcess.ENGINE)))
            .awaitPort(port, Duration.ofSeconds(60));
    ports.put(jar, port);
    return jar;
  }

  /** Opens a fresh connection {@link #connections} times; times each to {@code firstAnswer}. */
  private Latencies connects(
      ServiceJar service, ChannelCredentials credentials, Consumer<ManagedChannel> firstAnswer) {
    for (int i = 0; i < 20; i++) { // warm-up: both JVMs compile the handshake paths
      open(service, credentials, firstAnswer, null);
    }
    Latencies latencies = new Latencies();
    for (int i = 0; i < connections; i++) {
      open(service, credentials, firstAnswer, latencies);
    }
    return latencies;
  }

  private void open(
      ServiceJar service,
      ChannelCredentials credentials,
      Consumer<ManagedChannel> firstAnswer,
      Latencies latencies) {
    long start = System.nanoTime();
    ManagedChannel channel =
        NettyChannelBuilder.forTarget("127.0.0.1:" + ports.get(service), credentials).build();
    try {
      firstAnswer.accept(channel);
      if (latencies != null) {
        latencies.recordNanos(System.nanoTime() - start);
      }
    } finally {
      channel.shutdownNow();
    }
  }

  private void welcome(ManagedChannel channel) {
    CompletableFuture<Void> welcomed = new CompletableFuture<>();
    StreamObserver<ConnectRequest> requests =
        ServiceEngineControlGrpc.newStub(Tokens.attach(channel, SeManagerProcess.ENGINE))
            .connect(answer(welcomed, ConnectResponse::hasWelcome));
    requests.onNext(
        ConnectRequest.newBuilder()
            .setHello(Hello.newBuilder().setSeId("bench-se").setSeGroup("default"))
            .build());
    welcomed.orTimeout(10, TimeUnit.SECONDS).join();
    requests.onCompleted();
  }

  private void credits(ManagedChannel channel) {
    CompletableFuture<Void> credited = new CompletableFuture<>();
    StreamObserver<ReportRequest> requests =
        AnalyticsIngestGrpc.newStub(Tokens.attach(channel, SeManagerProcess.ENGINE))
            .report(answer(credited, ReportResponse::hasFlowControl));
    requests.onNext(
        ReportRequest.newBuilder().setHello(ReportHello.newBuilder().setSeId("bench-se")).build());
    credited.orTimeout(10, TimeUnit.SECONDS).join();
    requests.onCompleted();
  }

  /** Sends log batches one at a time on one stream; times each to its acknowledgement. */
  private Latencies batches(ServiceJar service, ChannelCredentials credentials) {
    ManagedChannel channel =
        NettyChannelBuilder.forTarget("127.0.0.1:" + ports.get(service), credentials)
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build();
    try {
      java.util.concurrent.LinkedBlockingQueue<ReportResponse> answers =
          new java.util.concurrent.LinkedBlockingQueue<>();
      StreamObserver<ReportRequest> requests =
          AnalyticsIngestGrpc.newStub(Tokens.attach(channel, SeManagerProcess.ENGINE))
              .report(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ReportResponse value) {
                      answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                      answers.add(ReportResponse.getDefaultInstance());
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(
          ReportRequest.newBuilder()
              .setHello(ReportHello.newBuilder().setSeId("bench-batches-" + System.nanoTime()))
              .build());
      take(answers); // the credits
      List<ClientLog> sample = new ArrayList<>();
      long now = System.currentTimeMillis() / 1000;
      for (int i = 0; i < logs; i++) {
        sample.add(
            ClientLog.newBuilder()
                .setTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(now))
                .setVirtualService("vs-" + (i % 20))
                .setClientIp("10.1." + (i % 250) + "." + (i % 200))
                .setMethod("GET")
                .setUriPath("/api/items/" + i)
                .setStatus(200)
                .build());
      }
      Latencies latencies = new Latencies();
      for (int b = 1; b <= batches + 10; b++) {
        long start = System.nanoTime();
        requests.onNext(
            ReportRequest.newBuilder()
                .setLogs(LogBatch.newBuilder().setBatchId(b).addAllLogs(sample))
                .build());
        ReportResponse ack = take(answers);
        if (!ack.hasAck()) {
          throw new IllegalStateException("the stream ended: " + ack);
        }
        if (b > 10) { // the first ten warm up
          latencies.recordNanos(System.nanoTime() - start);
        }
      }
      requests.onCompleted();
      return latencies;
    } finally {
      channel.shutdownNow();
    }
  }

  private static ReportResponse take(java.util.concurrent.BlockingQueue<ReportResponse> answers) {
    try {
      ReportResponse answer = answers.poll(30, TimeUnit.SECONDS);
      if (answer == null) {
        throw new IllegalStateException("no answer within 30 s");
      }
      return answer;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static <T> StreamObserver<T> answer(
      CompletableFuture<Void> done, java.util.function.Predicate<T> wanted) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        if (wanted.test(value)) {
          done.complete(null);
        }
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  private static void report(String what, Latencies plaintext, Latencies tls) {
    double plainP50 = plaintext.histogram().getValueAtPercentile(50);
    double tlsP50 = tls.histogram().getValueAtPercentile(50);
    double plainP99 = plaintext.histogram().getValueAtPercentile(99);
    double tlsP99 = tls.histogram().getValueAtPercentile(99);
    System.out.printf(
        Locale.ROOT,
        "%s%n  plaintext: %s%n  TLS:       %s%n  TLS / plaintext: p50 %.2fx, p99 %.2fx%n",
        what,
        plaintext.summary(),
        tls.summary(),
        tlsP50 / plainP50,
        tlsP99 / plainP99);
  }
}
