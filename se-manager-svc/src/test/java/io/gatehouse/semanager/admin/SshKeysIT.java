package io.gatehouse.semanager.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.BadRequest;
import io.gatehouse.api.semanager.v1.DeleteSshKeyRequest;
import io.gatehouse.api.semanager.v1.GenerateSshKeyRequest;
import io.gatehouse.api.semanager.v1.ImportSshKeyRequest;
import io.gatehouse.api.semanager.v1.ListSshKeysRequest;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.gatehouse.api.semanager.v1.SshKey;
import io.gatehouse.testsupport.TestPostgres;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SSH keys through ServiceEngineAdmin: generated and imported keys show only their public parts
 * (with OpenSSH's fingerprint), are encrypted in the database, and bad requests name their field.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshKeysIT implements TestPropertyProvider {
  @Inject GrpcEmbeddedServer server;
  private TestPostgres.Database db;
  private ManagedChannel channel;

  @Override
  public Map<String, String> getProperties() {
    db = TestPostgres.freshDatabase();
    Map<String, String> properties = new HashMap<>(db.micronautProperties());
    properties.put(
        "gatehouse.semanager.secrets.key", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    return properties;
  }

  @AfterAll
  void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  private ServiceEngineAdminGrpc.ServiceEngineAdminBlockingStub admin() {
    if (channel == null) {
      channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer test-operator-token-0001");
    return ServiceEngineAdminGrpc.newBlockingStub(
            ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(headers)))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void aGeneratedKeyShowsItsPublicPartAndIsStoredEncrypted() throws Exception {
    SshKey key = admin().generateSshKey(GenerateSshKeyRequest.newBuilder().setName("gen").build());

    assertThat(key.getPublicKey()).startsWith("ssh-ed25519 AAAA").endsWith(" gatehouse");
    assertThat(key.getFingerprint()).startsWith("SHA256:");
    assertThat(admin().listSshKeys(ListSshKeysRequest.getDefaultInstance()).getSshKeysList())
        .contains(key);
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT private_key FROM semanager.ssh_key WHERE name = 'gen'")) {
      assertThat(rs.next()).isTrue();
      assertThat(new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1))
          .doesNotContain("PRIVATE KEY");
    }
    assertThat(
            admin()
                .generateSshKey(
                    GenerateSshKeyRequest.newBuilder()
                        .setName("rsa")
                        .setAlgorithm("rsa-3072")
                        .build())
                .getPublicKey())
        .startsWith("ssh-rsa ");
  }

  @Test
  void anImportedKeyHasTheFingerprintOpenSshPrints() throws Exception {
    Path dir = Files.createTempDirectory("keys");
    Path file = dir.resolve("id");
    run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", file.toString());
    String fingerprint = run("ssh-keygen", "-l", "-f", file + ".pub").split(" ")[1];

    SshKey key =
        admin()
            .importSshKey(
                ImportSshKeyRequest.newBuilder()
                    .setName("imported")
                    .setPrivateKey(Files.readString(file))
                    .build());

    assertThat(key.getFingerprint()).isEqualTo(fingerprint);
    assertThat(key.getPublicKey()).startsWith("ecdsa-sha2-nistp256 ");
    assertThatThrownBy(
            () ->
                admin()
                    .importSshKey(
                        ImportSshKeyRequest.newBuilder()
                            .setName("imported")
                            .setPrivateKey(Files.readString(file))
                            .build()))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.ALREADY_EXISTS));
    admin().deleteSshKey(DeleteSshKeyRequest.newBuilder().setName("imported").build());
    assertThatThrownBy(
            () ->
                admin().deleteSshKey(DeleteSshKeyRequest.newBuilder().setName("imported").build()))
        .satisfies(
            e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void badRequestsNameTheirField() {
    assertThatThrownBy(
            () ->
                admin()
                    .importSshKey(
                        ImportSshKeyRequest.newBuilder()
                            .setName("junk")
                            .setPrivateKey("not a key")
                            .build()))
        .satisfies(
            e -> {
              assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              BadRequest detail =
                  StatusProto.fromThrowable(e).getDetails(0).unpack(BadRequest.class);
              assertThat(detail.getFieldViolations(0).getField()).isEqualTo("private_key");
            });
    assertThatThrownBy(
            () ->
                admin()
                    .generateSshKey(
                        GenerateSshKeyRequest.newBuilder()
                            .setName("x")
                            .setAlgorithm("dsa")
                            .build()))
        .satisfies(
            e -> assertThat(Status.fromThrowable(e).getDescription()).startsWith("algorithm: dsa"));
    assertThatThrownBy(
            () ->
                admin()
                    .generateSshKey(GenerateSshKeyRequest.newBuilder().setName("bad name").build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getDescription()).startsWith("name: "));
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
