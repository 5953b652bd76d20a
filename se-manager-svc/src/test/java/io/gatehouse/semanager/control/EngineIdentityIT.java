package io.gatehouse.semanager.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gatehouse.api.semanager.v1.ConnectRequest;
import io.gatehouse.api.semanager.v1.ConnectResponse;
import io.gatehouse.api.semanager.v1.EngineCredential;
import io.gatehouse.api.semanager.v1.EngineIdentitiesGrpc;
import io.gatehouse.api.semanager.v1.Heartbeat;
import io.gatehouse.api.semanager.v1.Hello;
import io.gatehouse.api.semanager.v1.IssueEngineCredentialRequest;
import io.gatehouse.api.semanager.v1.ListRevocationsRequest;
import io.gatehouse.api.semanager.v1.ListRevocationsResponse;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.gatehouse.api.semanager.v1.ServiceEngineState;
import io.gatehouse.common.identity.EngineCredentials;
import io.gatehouse.common.identity.EngineIdentity;
import io.gatehouse.pki.LocalAuthority;
import io.gatehouse.semanager.identity.EngineCredentialIssuer;
import io.gatehouse.semanager.inventory.EngineEvents;
import io.gatehouse.semanager.inventory.Inventory;
import io.gatehouse.semanager.push.ConfigPush;
import io.gatehouse.testsupport.TestPostgres;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Engines known by their own credential: each is the engine its credential names, gets a session
 * credential and a new one before it expires, and is refused once decommissioned; a credential of
 * one engine opens no stream of another engine or group, and a forged one opens nothing.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineIdentityIT implements TestPropertyProvider {
  @Inject GrpcEmbeddedServer server;
  @Inject EngineCredentialIssuer issuer;
  @Inject Inventory inventory;
  @Inject EngineEvents events;
  @Inject ConfigPush push;

  private Path keys;
  private ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    try {
      keys = Files.createTempDirectory("engine-identity-it");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalAuthority.SigningKeys pair = LocalAuthority.in(keys).signingKeys("engine-credentials");
    Map<String, String> properties =
        new HashMap<>(TestPostgres.freshDatabase().micronautProperties());
    properties.put(
        "gatehouse.semanager.engine-credentials.signing-key", pair.privateKey().toString());
    properties.put(
        "gatehouse.semanager.engine-credentials.verification-key", pair.publicKey().toString());
    properties.put("gatehouse.semanager.engine-credentials.session-lifetime", "2s");
    return properties;
  }

  @BeforeEach
  void connect() {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void close() {
    channel.shutdownNow();
  }

  @Test
  void anEngineIsWhatItsCredentialNamesAndGetsSessionCredentialsBeforeTheyExpire() {
    Stream stream = open(issuer.deploy("east@node-1", "east"));
    stream.hello("east@node-1", "east");

    await().until(() -> stream.credentials().size() >= 2); // after the welcome, and renewed
    EngineCredentials verifier =
        EngineCredentials.verifying(keys.resolve("engine-credentials.pub"), Clock.systemUTC());
    EngineIdentity session = verifier.verify(stream.credentials().get(1)).orElseThrow();
    assertThat(session.seId()).isEqualTo("east@node-1");
    assertThat(session.group()).isEqualTo("east");
    assertThat(session.use()).isEqualTo(EngineIdentity.Use.SESSION);
    assertThat(push.engines()).contains("east@node-1");

    // the session credential opens the next stream; the engine stays who it is
    Stream next = open(stream.credentials().get(1));
    next.hello("east@node-1", "east");
    await().until(() -> next.received.stream().anyMatch(ConnectResponse::hasWelcome));
    stream.requests.onCompleted();
    next.requests.onCompleted();
  }

  @Test
  void aCredentialOpensNoStreamOfAnotherEngineOrGroup() {
    String east1 = issuer.deploy("east@node-1", "east");

    Stream otherEngine = open(east1);
    otherEngine.hello("east@node-2", "east");
    Stream otherGroup = open(east1);
    otherGroup.hello("west@node-1", "west");

    for (Stream refused : List.of(otherEngine, otherGroup)) {
      await().until(() -> refused.error.get() != null);
      Status status = Status.fromThrowable(refused.error.get());
      assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(status.getDescription())
          .isEqualTo(
              "hello.se_id, hello.se_group: this engine's credential names east@node-1 of group"
                  + " east");
      assertThat(refused.received).noneMatch(r -> r.hasWelcome() || r.hasUpdate());
    }
    assertThat(push.engines()).doesNotContain("east@node-2", "west@node-1");
  }

  @Test
  void aGroupCredentialOpensStreamsOfItsGroupOnly() {
    String group = issuer.deployGroup("blue");

    Stream own = open(group);
    own.hello("blue@10.0.0.7", "blue");
    Stream foreign = open(group);
    foreign.hello("green@10.0.0.7", "green");

    await().until(() -> own.received.stream().anyMatch(ConnectResponse::hasWelcome));
    await().until(() -> foreign.error.get() != null);
    assertThat(Status.fromThrowable(foreign.error.get()).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    own.requests.onCompleted();
  }

  @Test
  void aForgedCredentialOpensNothing() throws IOException {
    Path elsewhere = Files.createTempDirectory("forger");
    LocalAuthority.SigningKeys forger = LocalAuthority.in(elsewhere).signingKeys("forged");
    String forged =
        EngineCredentials.signing(forger.privateKey(), forger.publicKey(), Clock.systemUTC())
            .issue("east@node-1", "east", EngineIdentity.Use.DEPLOY, Duration.ofHours(1));

    Stream stream = open(forged);
    stream.hello("east@node-1", "east");

    await().until(() -> stream.error.get() != null);
    assertThat(Status.fromThrowable(stream.error.get()).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aDecommissionedEngineLosesItsStreamAndCannotOpenAnother() {
    String credential = issuer.deploy("east@node-9", "east");
    Stream stream = open(credential);
    stream.hello("east@node-9", "east");
    await().until(() -> stream.received.stream().anyMatch(ConnectResponse::hasWelcome));

    inventory.transition(
        "east@node-9",
        ServiceEngineState.SERVICE_ENGINE_STATE_DECOMMISSIONED,
        "DECOMMISSIONED",
        "by the test");
    stream.requests.onNext(
        ConnectRequest.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());

    await().until(() -> stream.error.get() != null);
    assertThat(Status.fromThrowable(stream.error.get()).getDescription())
        .isEqualTo("engine east@node-9 is decommissioned");
    Stream again = open(credential);
    again.hello("east@node-9", "east");
    await().until(() -> again.error.get() != null);
    assertThat(Status.fromThrowable(again.error.get()).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void decommissioningRevokesTheEnginesEarlierCredentialsEvenOnceItIsDeployedAgain() {
    String before = issuer.deploy("east@node-8", "east");
    Stream first = open(before);
    first.hello("east@node-8", "east");
    await().until(() -> first.credentials().size() >= 1);
    String session = first.credentials().get(0);
    first.requests.onCompleted();

    inventory.transition(
        "east@node-8",
        ServiceEngineState.SERVICE_ENGINE_STATE_DECOMMISSIONED,
        "DECOMMISSIONED",
        "by the test");
    // the next pass deploys it again, with a new credential
    inventory.transition(
        "east@node-8", ServiceEngineState.SERVICE_ENGINE_STATE_STARTING, "DEPLOYED", "again");

    for (String stolen : List.of(before, session)) {
      Stream refused = open(stolen);
      refused.hello("east@node-8", "east");
      await().until(() -> refused.error.get() != null);
      Status status = Status.fromThrowable(refused.error.get());
      assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(status.getDescription()).contains("was revoked");
    }
    Stream fresh = open(issuer.deploy("east@node-8", "east"));
    fresh.hello("east@node-8", "east");
    await().until(() -> fresh.received.stream().anyMatch(ConnectResponse::hasWelcome));
    fresh.requests.onCompleted();

    // the services that verify credentials themselves read the revocation; engines may not
    ListRevocationsResponse revocations =
        EngineIdentitiesGrpc.newBlockingStub(withToken("test-service-token-0001"))
            .listRevocations(ListRevocationsRequest.getDefaultInstance());
    assertThat(revocations.getRevocationsList())
        .anyMatch(r -> r.getSeId().equals("east@node-8") && r.getRevokedBefore().getSeconds() > 0);
    assertThatThrownBy(
            () ->
                EngineIdentitiesGrpc.newBlockingStub(withToken(session))
                    .listRevocations(ListRevocationsRequest.getDefaultInstance()))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isIn(Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED));
  }

  @Test
  void anEnrollmentCredentialOpensOneStreamOnce() {
    String enrollment = issuer.enroll("fleet@node-6", "east");
    Stream first = open(enrollment);
    first.hello("fleet@node-6", "east");
    await().until(() -> first.credentials().size() >= 1);

    // whoever read the unit later gets nothing from it
    Stream replayed = open(enrollment);
    replayed.hello("fleet@node-6", "east");
    await().until(() -> replayed.error.get() != null);
    Status status = Status.fromThrowable(replayed.error.get());
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("was already used");
    assertThat(replayed.received).isEmpty();

    // the engine itself goes on with its session credential
    Stream next = open(first.credentials().get(0));
    next.hello("fleet@node-6", "east");
    await().until(() -> next.received.stream().anyMatch(ConnectResponse::hasWelcome));
    first.requests.onCompleted();
    next.requests.onCompleted();
  }

  @Test
  void anOperatorIssuesAHandRunEngineACredentialOfItsOwn() {
    EngineCredential issued =
        EngineIdentitiesGrpc.newBlockingStub(withToken("test-operator-token-0001"))
            .issueEngineCredential(
                IssueEngineCredentialRequest.newBuilder()
                    .setSeId("byhand@node-4")
                    .setSeGroup("east")
                    .build());
    assertThat(issued.getExpireTime().getSeconds())
        .isGreaterThan(Instant.now().plus(Duration.ofHours(23)).getEpochSecond());

    Stream own = open(issued.getToken());
    own.hello("byhand@node-4", "east");
    await().until(() -> own.received.stream().anyMatch(ConnectResponse::hasWelcome));
    own.requests.onCompleted();
    Stream other = open(issued.getToken());
    other.hello("east@node-4", "east");
    await().until(() -> other.error.get() != null);
    assertThat(Status.fromThrowable(other.error.get()).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(events.page("byhand@node-4", Long.MAX_VALUE, 10))
        .anyMatch(e -> e.type().equals("CREDENTIAL_ISSUED"));

    // an engine issues nothing, and a request names what is wrong
    assertThatThrownBy(
            () ->
                EngineIdentitiesGrpc.newBlockingStub(withToken(issued.getToken()))
                    .issueEngineCredential(
                        IssueEngineCredentialRequest.newBuilder()
                            .setSeId("east@node-5")
                            .setSeGroup("east")
                            .build()))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(
            () ->
                EngineIdentitiesGrpc.newBlockingStub(withToken("test-operator-token-0001"))
                    .issueEngineCredential(
                        IssueEngineCredentialRequest.newBuilder()
                            .setSeId("a;touch x")
                            .setSeGroup("east")
                            .build()))
        .satisfies(
            e -> {
              assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(Status.fromThrowable(e).getDescription()).contains("se_id");
            });
  }

  private io.grpc.Channel withToken(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** One control stream, opened with {@code token}. */
  private Stream open(String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    Stream stream = new Stream();
    stream.requests =
        ServiceEngineControlGrpc.newStub(
                ClientInterceptors.intercept(
                    channel, MetadataUtils.newAttachHeadersInterceptor(headers)))
            .connect(Responses.collect(stream.received, stream.error));
    return stream;
  }

  private static final class Stream {
    final List<ConnectResponse> received = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    StreamObserver<ConnectRequest> requests;

    void hello(String seId, String group) {
      requests.onNext(
          ConnectRequest.newBuilder()
              .setHello(Hello.newBuilder().setSeId(seId).setSeGroup(group).setHostname("node"))
              .build());
    }

    List<String> credentials() {
      return received.stream()
          .filter(ConnectResponse::hasCredential)
          .map(r -> r.getCredential().getToken())
          .toList();
    }
  }
}
