package io.gatehouse.analytics.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.analytics.Reports;
import io.gatehouse.api.analytics.v1.BatchResult;
import io.gatehouse.api.analytics.v1.ReportResponse;
import io.gatehouse.common.identity.EngineCredentials;
import io.gatehouse.common.identity.EngineIdentity;
import io.gatehouse.pki.LocalAuthority;
import io.gatehouse.testsupport.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Engines reporting with the session credential se-manager-svc gave them: their batches are theirs
 * whatever a hello claims, a deploy credential reports nothing, and a stream ends when its
 * credential expires.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineCredentialReportIT implements TestPropertyProvider {
  @Inject GrpcEmbeddedServer server;
  private TestPostgres.Database db;
  private EngineCredentials signer;
  private ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    db = TestPostgres.freshDatabase();
    LocalAuthority.SigningKeys keys;
    try {
      keys =
          LocalAuthority.in(Files.createTempDirectory("engine-credential-report-it"))
              .signingKeys("engine-credentials");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    signer = EngineCredentials.signing(keys.privateKey(), keys.publicKey(), Clock.systemUTC());
    Map<String, String> properties = new HashMap<>(db.micronautProperties());
    properties.put("gatehouse.analytics.auth.engine-credentials-key", keys.publicKey().toString());
    return properties;
  }

  @BeforeAll
  void connect() {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterAll
  void close() {
    channel.shutdownNow();
  }

  private String session(String seId, Duration life) {
    return signer.issue(seId, "east", EngineIdentity.Use.SESSION, life);
  }

  @Test
  void anEngineReportsAsItselfAndCannotClaimAnother() throws Exception {
    Reports.Stream own =
        new Reports.Stream(channel, session("east@node-1", Duration.ofHours(1)), "");
    own.send(Reports.batch(4242, Instant.now(), "shop", 10, 1, 1000));
    await().until(() -> own.result(4242) == BatchResult.BATCH_RESULT_STORED);
    assertThat(storedBy(4242)).containsExactly("east@node-1");

    Reports.Stream claiming =
        new Reports.Stream(channel, session("east@node-1", Duration.ofHours(1)), "east@node-2");
    await().until(() -> claiming.error.get() != null);
    Status refused = Status.fromThrowable(claiming.error.get());
    assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused.getDescription())
        .isEqualTo("hello.se_id: this engine's credential names east@node-1");
    assertThat(claiming.answers).noneMatch(ReportResponse::hasFlowControl);
    own.close();
  }

  @Test
  void aDeployCredentialReportsNothing() {
    Reports.Stream stream =
        new Reports.Stream(
            channel,
            signer.issue("east@node-1", "east", EngineIdentity.Use.DEPLOY, Duration.ofHours(1)),
            "east@node-1");

    await().until(() -> stream.error.get() != null);
    assertThat(Status.fromThrowable(stream.error.get()).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aStreamEndsWhenItsCredentialExpires() {
    Reports.Stream stream =
        new Reports.Stream(channel, session("east@node-3", Duration.ofSeconds(2)), "east@node-3");
    await().until(() -> stream.answers.stream().anyMatch(ReportResponse::hasFlowControl));

    await().atMost(Duration.ofSeconds(10)).until(() -> stream.error.get() != null);
    Status ended = Status.fromThrowable(stream.error.get());
    assertThat(ended.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(ended.getDescription()).contains("credential expired");
  }

  private List<String> storedBy(long batchId) throws Exception {
    List<String> engines = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT se_id FROM analytics.ingested_batch WHERE batch_id = " + batchId)) {
      while (rs.next()) {
        engines.add(rs.getString(1));
      }
    }
    return engines;
  }
}
