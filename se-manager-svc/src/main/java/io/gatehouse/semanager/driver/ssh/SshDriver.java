package io.gatehouse.semanager.driver.ssh;

import io.gatehouse.api.policy.v1.SshDeployment;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.ManagerAddress;
import io.gatehouse.semanager.driver.NodeDriver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a group's start, stop and status commands on each node over SSH: key authentication with a
 * key from the {@link SshKeyStore}, strict host-key checking (a known_hosts file when configured,
 * then the keys pinned in the store; an unknown host is accepted and pinned only when the group
 * trusts on first use), and {@code sudo -n} in front of every command for users other than root. An
 * engine runs when its status command exits 0. Commands are templates ({@link EngineSpec#expand});
 * they are logged as templates, never expanded. The engine's credential reaches the start command
 * on its standard input, one line (for example {@code GATEHOUSE_SE_TOKEN=$(head -n 1)
 * service-engine ...}), never on a command line, where {@code ps} on the node would show it: a
 * template that names {@code {engine_token}} is refused.
 */
public final class SshDriver implements NodeDriver {
  private static final Logger log = LoggerFactory.getLogger(SshDriver.class);
  private static final AttributeRepository.AttributeKey<Boolean> TRUST_ON_FIRST_USE =
      new AttributeRepository.AttributeKey<>();
  private static final int OUTPUT_KEPT = 2000;

  /**
   * @param connectTimeout for the TCP connection, key exchange and authentication each
   * @param commandTimeout for a command to finish
   * @param knownHosts an OpenSSH known_hosts file of trusted host keys, or null
   * @param manager how engines reach se-manager: its address and how they trust it
   * @param credentials the credential each engine is deployed with, given to its start command on
   *     standard input
   */
  public record Settings(
      Duration connectTimeout,
      Duration commandTimeout,
      Path knownHosts,
      ManagerAddress manager,
      Function<EngineSpec, String> credentials) {}

  private final SshKeyStore keys;
  private final Settings settings;
  private final SshClient client;
  private final List<KnownHostEntry> knownHosts;

  /** Why the last host key of a host:port was refused, for the error message. */
  private final Map<String, String> refusals = new ConcurrentHashMap<>();

  public SshDriver(SshKeyStore keys, Settings settings) {
    this.keys = keys;
    this.settings = settings;
    this.knownHosts = readKnownHosts(settings.knownHosts());
    this.client = SshClient.setUpDefaultClient();
    this.client.setServerKeyVerifier(new Verifier());
    this.client.start();
  }

  @Override
  public String method() {
    return "ssh";
  }

  @Override
  public void start(EngineSpec engine) throws DriverException {
    if (running(engine)) {
      return;
    }
    run(
        engine,
        engine.group().getSsh().getStartCommand(),
        "start",
        settings.credentials() == null ? null : settings.credentials().apply(engine));
  }

  @Override
  public void stop(EngineSpec engine) throws DriverException {
    run(engine, engine.group().getSsh().getStopCommand(), "stop", null);
  }

  @Override
  public boolean running(EngineSpec engine) throws DriverException {
    return exec(engine, engine.group().getSsh().getStatusCommand(), "status", null).status() == 0;
  }

  private void run(EngineSpec engine, String template, String what, String input)
      throws DriverException {
    Result result = exec(engine, template, what, input);
    if (result.status() != 0) {
      throw new DriverException(
          what
              + " command `"
              + template
              + "` exited with status "
              + result.status()
              + " on "
              + target(engine)
              + (result.output().isBlank() ? "" : ": " + result.output().strip()));
    }
    log.info("engine {}: {} command ran on {}", engine.seId(), what, target(engine));
  }

  private record Result(int status, String output) {}

  /** Runs a command on the engine's node; {@code input}, when not null, is its standard input. */
  private Result exec(EngineSpec engine, String template, String what, String input)
      throws DriverException {
    SshDeployment ssh = engine.group().getSsh();
    if (template.isBlank()) {
      throw new DriverException("group " + engine.groupName() + " has no ssh " + what + "_command");
    }
    if (template.contains("{engine_token}")) {
      throw new DriverException(
          "group "
              + engine.groupName()
              + ": ssh "
              + what
              + "_command names {engine_token}, which would put the token on the node's command"
              + " line (ps shows it); the start command gets it on its standard input instead,"
              + " e.g. GATEHOUSE_SE_TOKEN=$(head -n 1) service-engine ...");
    }
    KeyPair key;
    try {
      key = keys.keyPair(ssh.getSshKeyRef());
    } catch (SshKeyStore.KeyException e) {
      throw new DriverException(e.getMessage());
    }
    String user = user(ssh);
    String command = engine.expand(template, settings.manager(), Map.of());
    if (!user.equals("root")) {
      command = "sudo -n " + command;
    }
    String host = host(engine);
    int port = port(ssh);
    AttributeRepository context =
        AttributeRepository.ofKeyValuePair(TRUST_ON_FIRST_USE, ssh.getTrustOnFirstUse());
    refusals.remove(host + ":" + port);
    try (ClientSession session =
        client.connect(user, host, port, context).verify(settings.connectTimeout()).getSession()) {
      session.addPublicKeyIdentity(key);
      try {
        session.auth().verify(settings.connectTimeout());
      } catch (IOException e) {
        String refused = refusals.get(host + ":" + port);
        if (refused != null) {
          throw new DriverException(refused, e);
        }
        throw new DriverException(
            user
                + "@"
                + host
                + ":"
                + port
                + " refused ssh key "
                + ssh.getSshKeyRef()
                + " ("
                + KeyUtils.getFingerPrint(key.getPublic())
                + "): add its public key to authorized_keys there",
            e);
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      try (ChannelExec channel = session.createExecChannel(command)) {
        if (input != null) {
          channel.setIn(
              new java.io.ByteArrayInputStream((input + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        channel.setOut(output);
        channel.setErr(output);
        channel.open().verify(settings.connectTimeout());
        Set<ClientChannelEvent> events =
            channel.waitFor(
                EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS),
                settings.commandTimeout());
        if (events.contains(ClientChannelEvent.TIMEOUT)) {
          throw new DriverException(
              what
                  + " command `"
                  + template
                  + "` did not finish within "
                  + settings.commandTimeout().toSeconds()
                  + " s on "
                  + host);
        }
        Integer status = channel.getExitStatus();
        String text = output.toString(StandardCharsets.UTF_8);
        return new Result(
            status == null ? -1 : status,
            text.length() > OUTPUT_KEPT ? text.substring(text.length() - OUTPUT_KEPT) : text);
      }
    } catch (IOException e) {
      String refused = refusals.get(host + ":" + port);
      throw new DriverException(
          refused != null ? refused : "cannot reach " + host + ":" + port + ": " + e.getMessage(),
          e);
    }
  }

  private static String user(SshDeployment ssh) {
    return ssh.getUser().isEmpty() ? "root" : ssh.getUser();
  }

  private static int port(SshDeployment ssh) {
    return ssh.getPort() == 0 ? 22 : ssh.getPort();
  }

  private static String host(EngineSpec engine) {
    return engine.address().isEmpty() ? engine.hostname() : engine.address();
  }

  private static String target(EngineSpec engine) {
    return user(engine.group().getSsh()) + "@" + host(engine);
  }

  private static List<KnownHostEntry> readKnownHosts(Path file) {
    if (file == null) {
      return List.of();
    }
    try {
      return KnownHostEntry.readKnownHostEntries(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("known hosts file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Strict host keys: the known_hosts file, then pinned keys, then (if trusted) pin the new one.
   */
  private final class Verifier implements ServerKeyVerifier {
    @Override
    public boolean verifyServerKey(
        ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
      String host =
          session.getConnectAddress() instanceof java.net.InetSocketAddress a
              ? a.getHostString()
              : remoteAddress.toString();
      int port =
          session.getConnectAddress() instanceof java.net.InetSocketAddress a ? a.getPort() : 22;
      String hostPort = host + ":" + port;
      String fingerprint = KeyUtils.getFingerPrint(serverKey);
      for (KnownHostEntry entry : knownHosts) {
        if (entry.isHostMatch(host, port)) {
          try {
            if (KeyUtils.compareKeys(
                entry.getKeyEntry().resolvePublicKey(null, null, null), serverKey)) {
              return true;
            }
          } catch (IOException | GeneralSecurityException e) {
            log.warn("known hosts entry for {} cannot be read: {}", host, e.getMessage());
          }
        }
      }
      Optional<String> pinned;
      try {
        pinned = keys.pinnedHostKey(hostPort);
      } catch (SshKeyStore.StoreException e) {
        refusals.put(hostPort, "cannot check the host key of " + hostPort + ": " + e.getMessage());
        return false;
      }
      if (pinned.isPresent()) {
        if (pinned.get().equals(PublicKeyEntry.toString(serverKey))) {
          return true;
        }
        refusals.put(
            hostPort,
            "the host key of "
                + hostPort
                + " changed (now "
                + fingerprint
                + "): refusing to connect; if the host was reinstalled, remove its pinned key");
        return false;
      }
      AttributeRepository context = session.getConnectionContext();
      if (context != null && Boolean.TRUE.equals(context.getAttribute(TRUST_ON_FIRST_USE))) {
        keys.pin(hostPort, serverKey);
        log.info("pinned the host key of {} on first use: {}", hostPort, fingerprint);
        return true;
      }
      refusals.put(
          hostPort,
          "unknown host key "
              + fingerprint
              + " for "
              + hostPort
              + ": add it to the known hosts file or set trust_on_first_use on the group");
      return false;
    }
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (RuntimeException e) {
      log.debug("ssh client stop: {}", e.toString());
    }
  }
}
