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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SSH driver against a real SSH server on loopback (Apache MINA SSHD's, in the test JVM,
 * running the commands in a real shell): an engine is started, seen running and stopped by the
 * group's commands; a refused key, an unknown or changed host key, a failing command and a node
 * that disappears each fail with a message that says what to fix.
 */
class SshDriverIT {
  private SshServer server;
  private SshKeyStore keys;
  private SshDriver driver;
  private Path node;
  private final AtomicReference<PublicKey> authorized = new AtomicReference<>();

  @BeforeEach
  void setUp() throws Exception {
    keys =
        new SshKeyStore(
            InventoryDatabase.migrated(), new SecretCipher(new SecretKeySpec(new byte[32], "AES")));
    node = Files.createTempDirectory("ssh-node");
    server = startServer(node.resolve("host-key"));
    driver =
        new SshDriver(
            keys,
            new SshDriver.Settings(
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                null,
                ManagerAddress.plaintext("10.0.0.1:9103"),
                spec -> "credential-of-" + spec.seId()));
    SshKeyStore.Key key = keys.generate("fleet", "");
    authorized.set(
        PublicKeyEntry.parsePublicKeyEntry(key.publicKey()).resolvePublicKey(null, null, null));
  }

  @AfterEach
  void tearDown() throws Exception {
    driver.close();
    server.stop(true);
  }

  private SshServer startServer(Path hostKey) throws Exception {
    SshServer sshd = SshServer.setUpDefaultServer();
    sshd.setHost("127.0.0.1");
    sshd.setPort(0);
    sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(hostKey));
    sshd.setPublickeyAuthenticator(
        (user, key, session) -> user.equals("root") && KeyUtils.compareKeys(key, authorized.get()));
    sshd.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
    sshd.start();
    return sshd;
  }

  private EngineSpec engine(boolean trustOnFirstUse) {
    String flag = node.resolve("{se_id}.running").toString();
    ServiceEngineGroup group =
        ServiceEngineGroup.newBuilder()
            .setMeta(ObjectMeta.newBuilder().setName("default"))
            .setSsh(
                SshDeployment.newBuilder()
                    .setPort(server.getPort())
                    .setSshKeyRef("fleet")
                    .setStartCommand("echo '{manager} {se_id}' > " + flag)
                    .setStopCommand("rm -f " + flag)
                    .setStatusCommand("test -f " + flag)
                    .setTrustOnFirstUse(trustOnFirstUse))
            .build();
    return new EngineSpec("default@node-1", "agent-1", "node-1", "127.0.0.1", group);
  }

  @Test
  void theGroupsCommandsStartWatchAndStopTheEngine() throws Exception {
    EngineSpec engine = engine(true);

    assertThat(driver.running(engine)).isFalse();
    driver.start(engine);
    assertThat(Files.readString(node.resolve("default@node-1.running")).strip())
        .isEqualTo("10.0.0.1:9103 default@node-1");
    assertThat(driver.running(engine)).isTrue();
    driver.start(engine); // already running: the start command is not run again
    driver.stop(engine);
    assertThat(driver.running(engine)).isFalse();
    driver.stop(engine); // stopping a stopped engine is fine
  }

  @Test
  void theStartCommandGetsTheTokenOnItsStandardInputNeverOnACommandLine() throws Exception {
    String tokenFile = node.resolve("token").toString();
    EngineSpec engine = withStartCommand("head -n 1 > " + tokenFile);

    driver.start(engine);

    assertThat(Files.readString(Path.of(tokenFile)).strip())
        .isEqualTo("credential-of-" + engine.seId());
  }

  @Test
  void aCommandThatNamesTheTokenIsRefusedBeforeItRuns() {
    EngineSpec engine = withStartCommand("GATEHOUSE_SE_TOKEN={engine_token} service-engine");

    assertThatThrownBy(() -> driver.start(engine))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("names {engine_token}")
        .hasMessageContaining("standard input");
  }

  private EngineSpec withStartCommand(String start) {
    EngineSpec base = engine(true);
    ServiceEngineGroup group =
        base.group().toBuilder()
            .setSsh(
                base.group().getSsh().toBuilder().setStartCommand(start).setStatusCommand("false"))
            .build();
    return new EngineSpec(base.seId(), base.nodeId(), base.hostname(), base.address(), group);
  }

  @Test
  void anUnknownHostIsRefusedUnlessTheGroupTrustsOnFirstUseAndThenItsKeyIsPinned()
      throws Exception {
    assertThatThrownBy(() -> driver.running(engine(false)))
        .isInstanceOf(DriverException.class)
        .hasMessageStartingWith("unknown host key SHA256:")
        .hasMessageContaining("127.0.0.1:" + server.getPort())
        .hasMessageContaining("trust_on_first_use");

    driver.running(engine(true)); // pins the key
    assertThat(keys.pinnedHostKey("127.0.0.1:" + server.getPort())).isPresent();
    driver.running(engine(false)); // now known: no trust needed
  }

  @Test
  void aChangedHostKeyIsRefused() throws Exception {
    driver.running(engine(true));
    int port = server.getPort();
    server.stop(true);
    // the "node" is reinstalled: same address and port, a new host key
    SshServer reinstalled = SshServer.setUpDefaultServer();
    reinstalled.setHost("127.0.0.1");
    reinstalled.setPort(port);
    reinstalled.setKeyPairProvider(
        new SimpleGeneratorHostKeyProvider(node.resolve("new-host-key")));
    reinstalled.setPublickeyAuthenticator((user, key, session) -> true);
    reinstalled.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
    reinstalled.start();
    server = reinstalled;

    assertThatThrownBy(() -> driver.running(engine(true)))
        .isInstanceOf(DriverException.class)
        .hasMessageStartingWith("the host key of 127.0.0.1:" + port + " changed");
  }

  @Test
  void aKeyTheNodeDoesNotAuthorizeIsRefusedWithItsFingerprint() throws Exception {
    KeyPair other = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    authorized.set(other.getPublic());
    String fingerprint = keys.list().get(0).fingerprint();

    assertThatThrownBy(() -> driver.running(engine(true)))
        .isInstanceOf(DriverException.class)
        .hasMessage(
            "root@127.0.0.1:"
                + server.getPort()
                + " refused ssh key fleet ("
                + fingerprint
                + "): add its public key to authorized_keys there");
  }

  @Test
  void aFailingCommandReportsItsStatusAndOutput() {
    EngineSpec failing =
        new EngineSpec(
            "default@node-1",
            "agent-1",
            "node-1",
            "127.0.0.1",
            engine(true).group().toBuilder()
                .setSsh(
                    engine(true).group().getSsh().toBuilder()
                        .setStartCommand("echo no space left on device >&2; exit 3"))
                .build());

    assertThatThrownBy(() -> driver.start(failing))
        .isInstanceOf(DriverException.class)
        .hasMessage(
            "start command `echo no space left on device >&2; exit 3` exited with status 3 on"
                + " root@127.0.0.1: no space left on device");
  }

  @Test
  void aNodeThatDisappearedCannotBeReached() throws Exception {
    EngineSpec engine = engine(true);
    driver.running(engine);
    server.stop(true);

    assertThatThrownBy(() -> driver.running(engine))
        .isInstanceOf(DriverException.class)
        .hasMessageStartingWith("cannot reach 127.0.0.1:" + engine.group().getSsh().getPort());
  }

  @Test
  void aMissingKeyIsNamed() {
    EngineSpec engine = engine(true);
    EngineSpec withoutKey =
        new EngineSpec(
            engine.seId(),
            engine.nodeId(),
            engine.hostname(),
            engine.address(),
            engine.group().toBuilder()
                .setSsh(engine.group().getSsh().toBuilder().setSshKeyRef("missing"))
                .build());

    assertThatThrownBy(() -> driver.running(withoutKey))
        .isInstanceOf(DriverException.class)
        .hasMessageStartingWith("ssh key missing does not exist");
  }
}
