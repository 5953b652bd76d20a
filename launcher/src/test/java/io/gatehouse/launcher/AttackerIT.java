package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.analytics.v1.AnalyticsIngestGrpc;
import io.gatehouse.api.analytics.v1.ReportHello;
import io.gatehouse.api.analytics.v1.ReportRequest;
import io.gatehouse.api.analytics.v1.ReportResponse;
import io.gatehouse.api.policy.v1.ListVirtualServicesRequest;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.semanager.v1.ConnectRequest;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.DecommissionServiceEngineRequest;
import io.gatehouse.api.semanager.v1.EngineCredential;
import io.gatehouse.api.semanager.v1.GetServiceEngineRequest;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The platform of {@code gatehouse up}, as an attacker on its network or with a stolen engine
 * credential meets it: a credential taken from one engine's state opens no stream of another engine
 * or group and reports for no other engine; clients without TLS or without a certificate of the CA
 * are refused; the management ports answer health and metrics alone; decommissioning an engine
 * revokes its credentials at analytics-svc too, while its node gets a new engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Order(1)
class AttackerIT {
  private static final String ENGINE = "default@127.0.0.2";

  private RunningPlatform platform;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  void platform() {
    platform = RunningPlatform.shared();
  }

  @AfterAll
  void close() {
    channels.forEach(ManagedChannel::shutdownNow);
  }

  @Test
  void aStolenEngineCredentialOpensNoStreamOfAnotherEngineOrGroup() throws Exception {
    String stolen = stolenCredential();

    for (Hello claim :
        List.of(
            Hello.newBuilder().setSeId("default@127.0.0.3").setSeGroup("default").build(),
            Hello.newBuilder().setSeId("edge@127.0.0.2").setSeGroup("edge").build())) {
      List<ConnectResponse> received = new CopyOnWriteArrayList<>();
      AtomicReference<Throwable> error = new AtomicReference<>();
      StreamObserver<ConnectRequest> requests =
          ServiceEngineControlGrpc.newStub(as(engineChannel(platform.grpc(3)), stolen))
              .connect(observer(received, error));
      requests.onNext(ConnectRequest.newBuilder().setHello(claim).build());

      await().until(() -> error.get() != null);
      Status status = Status.fromThrowable(error.get());
      assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(status.getDescription()).contains("credential names " + ENGINE);
      assertThat(received).isEmpty(); // no welcome, no configuration, no key
    }
  }

  @Test
  void aReportClaimingAnotherEngineIsRefused() throws Exception {
    List<ReportResponse> received = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    StreamObserver<ReportRequest> requests =
        AnalyticsIngestGrpc.newStub(as(engineChannel(platform.grpc(4)), stolenCredential()))
            .report(observer(received, error));
    requests.onNext(
        ReportRequest.newBuilder()
            .setHello(ReportHello.newBuilder().setSeId("default@127.0.0.3"))
            .build());

    await().until(() -> error.get() != null);
    Status status = Status.fromThrowable(error.get());
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription())
        .isEqualTo("hello.se_id: this engine's credential names " + ENGINE);
    assertThat(received).isEmpty();
  }

  @Test
  void aDecommissionedEnginesStolenCredentialReportsNoMoreWhileItsSuccessorDoes() throws Exception {
    String victim = "default@127.0.0.3";
    String stolen = stolenCredential(victim);
    Channel analytics = as(engineChannel(platform.grpc(4)), stolen);
    List<ReportResponse> received = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    AnalyticsIngestGrpc.newStub(analytics)
        .report(observer(received, error))
        .onNext(ReportRequest.newBuilder().setHello(ReportHello.newBuilder()).build());
    await().until(() -> received.stream().anyMatch(ReportResponse::hasFlowControl));

    ServiceEngineAdminGrpc.ServiceEngineAdminBlockingStub admin =
        ServiceEngineAdminGrpc.newBlockingStub(
            as(operatorChannel(platform.grpc(3)), secret("operator-token")));
    admin.decommissionServiceEngine(
        DecommissionServiceEngineRequest.newBuilder().setId(victim).build());

    // analytics-svc learns of the revocation from se-manager-svc: the open stream ends ...
    await().atMost(java.time.Duration.ofSeconds(30)).until(() -> error.get() != null);
    Status ended = Status.fromThrowable(error.get());
    assertThat(ended.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(ended.getDescription()).contains("was revoked");
    // ... and the stolen credential opens no other, though it has not expired
    List<ReportResponse> again = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> refused = new AtomicReference<>();
    AnalyticsIngestGrpc.newStub(analytics)
        .report(observer(again, refused))
        .onNext(ReportRequest.newBuilder().setHello(ReportHello.newBuilder()).build());
    await().until(() -> refused.get() != null);
    assertThat(Status.fromThrowable(refused.get()).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(again).noneMatch(ReportResponse::hasFlowControl);

    // the node is still eligible: the next pass deploys the engine again, with new credentials
    await()
        .atMost(java.time.Duration.ofSeconds(90))
        .until(
            () ->
                admin
                        .getServiceEngine(
                            GetServiceEngineRequest.newBuilder().setId(victim).build())
                        .getState()
                    == ServiceEngineState.SERVICE_ENGINE_STATE_CONNECTED);
    await().until(() -> !stolenCredential(victim).equals(stolen));
  }

  @Test
  void aCredentialIssuedForAHandRunEngineNamesThatEngineAlone() throws Exception {
    Process cli =
        new ProcessBuilder(
                platform.cliCommand("engine-credential", "--se-id=byhand-1", "--group=default"))
            .start();
    String token = new String(cli.getInputStream().readAllBytes()).trim();
    assertThat(cli.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(cli.exitValue()).isZero();
    assertThat(token.split("\\.")).hasSize(3); // a JWT, alone on standard output

    List<ConnectResponse> received = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    ServiceEngineControlGrpc.newStub(as(engineChannel(platform.grpc(3)), token))
        .connect(observer(received, error))
        .onNext(
            ConnectRequest.newBuilder()
                .setHello(Hello.newBuilder().setSeId(ENGINE).setSeGroup("default"))
                .build());
    await().until(() -> error.get() != null);
    Status status = Status.fromThrowable(error.get());
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("credential names byhand-1 of group default");
    assertThat(received).isEmpty();
  }

  @Test
  void clientsWithoutTlsOrWithoutACertificateOfTheCaAreRefused() throws Exception {
    String operator = secret("operator-token");
    Channel plaintext = channel(platform.grpc(1), InsecureChannelCredentials.create());
    Channel noCertificate =
        channel(
            platform.grpc(1),
            TlsChannelCredentials.newBuilder()
                .trustManager(platform.tls("ca.pem").toFile())
                .build());
    Channel operatorCertificate =
        channel(
            platform.grpc(1),
            TlsChannelCredentials.newBuilder()
                .trustManager(platform.tls("ca.pem").toFile())
                .keyManager(
                    platform.tls("operator.pem").toFile(), platform.tls("operator.key").toFile())
                .build());

    for (Channel refused : List.of(plaintext, noCertificate)) {
      assertThatThrownBy(
              () ->
                  PolicyServiceGrpc.newBlockingStub(as(refused, operator))
                      .listVirtualServices(ListVirtualServicesRequest.getDefaultInstance()))
          .satisfies(
              e ->
                  assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
    assertThat(
            PolicyServiceGrpc.newBlockingStub(as(operatorCertificate, operator))
                .listVirtualServices(ListVirtualServicesRequest.getDefaultInstance())
                .getVirtualServicesCount())
        .isPositive(); // the demo app's
  }

  @Test
  void managementPortsAnswerHealthAndMetricsAlone() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int port = platform.base + 91; port <= platform.base + 94; port++) {
      assertThat(get(http, port, "/health").statusCode()).isEqualTo(200);
      assertThat(get(http, port, "/metrics").statusCode()).isEqualTo(200);
      for (String path : List.of("/beans", "/routes", "/threaddump", "/env", "/loggers")) {
        assertThat(get(http, port, path).statusCode()).as(port + path).isEqualTo(404);
      }
      HttpResponse<String> refresh =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/refresh"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(refresh.statusCode()).as(port + " POST /refresh").isEqualTo(404);
    }
  }

  /** The session credential an engine keeps in its state dir, as a thief on its node finds it. */
  private String stolenCredential() throws Exception {
    return stolenCredential(ENGINE);
  }

  private String stolenCredential(String engine) throws Exception {
    Path kept = platform.home.resolve("engines").resolve(engine).resolve("credential");
    await().until(() -> Files.isRegularFile(kept));
    return EngineCredential.parseFrom(Files.readAllBytes(kept)).getToken();
  }

  /** A channel as an engine opens one: TLS trusting the CA, no client certificate. */
  private Channel engineChannel(String target) throws Exception {
    return channel(
        target,
        TlsChannelCredentials.newBuilder().trustManager(platform.tls("ca.pem").toFile()).build());
  }

  /** A channel as the CLI opens one: TLS trusting the CA, with the operator's certificate. */
  private Channel operatorChannel(String target) throws Exception {
    return channel(
        target,
        TlsChannelCredentials.newBuilder()
            .trustManager(platform.tls("ca.pem").toFile())
            .keyManager(
                platform.tls("operator.pem").toFile(), platform.tls("operator.key").toFile())
            .build());
  }

  private Channel channel(String target, ChannelCredentials credentials) {
    ManagedChannel channel = Grpc.newChannelBuilder(target, credentials).build();
    channels.add(channel);
    return channel;
  }

  private static Channel as(Channel channel, String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private String secret(String name) throws Exception {
    Properties secrets = new Properties();
    try (Reader in = Files.newBufferedReader(platform.home.resolve("secrets.properties"))) {
      secrets.load(in);
    }
    return secrets.getProperty(name);
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static <T> StreamObserver<T> observer(
      List<T> received, AtomicReference<Throwable> error) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        received.add(value);
      }

      @Override
      public void onError(Throwable t) {
        error.set(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
