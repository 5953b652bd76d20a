package io.gatehouse.semanager.driver.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.api.policy.v1.SshDeployment;
import io.gatehouse.common.secret.SecretCipher;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.ManagerAddress;
import io.gatehouse.semanager.inventory.InventoryDatabase;
import io.gatehouse.testsupport.Prerequisites;
import io.gatehouse.testsupport.ServiceJar;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SSH driver against OpenSSH's sshd on loopback, where this machine has it and the test runs as
 * root (sshd logs users in only as root): a generated key, put in authorized_keys, starts and stops
 * an engine; the host key is checked against a known_hosts file written with ssh-keyscan's format.
 */
class OpenSshDriverIT {
  private static final Path SSHD = Path.of("/usr/sbin/sshd");

  private Process sshd;
  private SshKeyStore keys;
  private Path dir;
  private int port;

  @BeforeEach
  void startSshd() throws Exception {
    Prerequisites.require(Files.isExecutable(SSHD), () -> "OpenSSH's sshd is not installed here");
    Prerequisites.require(
        "root".equals(System.getProperty("user.name")),
        () -> "sshd logs users in only when started as root");
    keys =
        new SshKeyStore(
            InventoryDatabase.migrated(), new SecretCipher(new SecretKeySpec(new byte[32], "AES")));
    dir = Files.createTempDirectory("openssh");
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString());
    Files.writeString(
        dir.resolve("authorized_keys"), keys.generate("fleet", "ed25519").publicKey() + "\n");
    port = ServiceJar.freePort();
    Files.writeString(
        dir.resolve("sshd_config"),
        String.join(
            "\n",
            "Port " + port,
            "ListenAddress 127.0.0.1",
            "HostKey " + dir.resolve("host_key"),
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "PidFile none",
            "StrictModes no",
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            ""));
    Files.createDirectories(Path.of("/run/sshd")); // its privilege separation directory
    sshd =
        new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
              } catch (IOException notYet) {
                return false;
              }
            });
  }

  @AfterEach
  void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.destroy();
      sshd.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("%s: %s", List.of(command), out).isZero();
  }

  private EngineSpec engine() {
    String flag = dir.resolve("{se_id}.running").toString();
    ServiceEngineGroup group =
        ServiceEngineGroup.newBuilder()
            .setMeta(ObjectMeta.newBuilder().setName("default"))
            .setSsh(
                SshDeployment.newBuilder()
                    .setPort(port)
                    .setSshKeyRef("fleet")
                    .setStartCommand("echo {se_id} > " + flag)
                    .setStopCommand("rm -f " + flag)
                    .setStatusCommand("test -f " + flag))
            .build();
    return new EngineSpec("default@node-1", "agent-1", "node-1", "127.0.0.1", group);
  }

  private SshDriver driver(Path knownHosts) {
    return new SshDriver(
        keys,
        new SshDriver.Settings(
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            knownHosts,
            ManagerAddress.plaintext("127.0.0.1:9103"),
            spec -> "t"));
  }

  @Test
  void aKnownHostRunsTheCommandsAndAnUnknownOneIsRefused() throws Exception {
    String hostKey = Files.readString(dir.resolve("host_key.pub")).strip();
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + hostKey + "\n");

    try (SshDriver driver = driver(knownHosts)) {
      EngineSpec engine = engine();
      assertThat(driver.running(engine)).isFalse();
      driver.start(engine);
      assertThat(Files.readString(dir.resolve("default@node-1.running")).strip())
          .isEqualTo("default@node-1");
      assertThat(driver.running(engine)).isTrue();
      driver.stop(engine);
      assertThat(driver.running(engine)).isFalse();
    }
    try (SshDriver strict = driver(null)) {
      assertThatThrownBy(() -> strict.running(engine()))
          .isInstanceOf(DriverException.class)
          .hasMessageStartingWith("unknown host key SHA256:");
    }
  }
}
