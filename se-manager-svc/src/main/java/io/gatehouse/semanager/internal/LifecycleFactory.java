package io.gatehouse.semanager.internal;

import io.gatehouse.api.policy.v1.DeploymentMethod;
import io.gatehouse.common.leader.Elections;
import io.gatehouse.common.leader.LeaderElection;
import io.gatehouse.common.tls.GrpcTls;
import io.gatehouse.common.tls.TlsConfig;
import io.gatehouse.semanager.driver.DeploymentDriver;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.ManagerAddress;
import io.gatehouse.semanager.driver.fleet.FleetDriver;
import io.gatehouse.semanager.driver.local.LocalDriver;
import io.gatehouse.semanager.driver.marathon.GroupCredentials;
import io.gatehouse.semanager.driver.marathon.MarathonDriver;
import io.gatehouse.semanager.driver.marathon.RegistryPullConfigs;
import io.gatehouse.semanager.driver.marathon.SecretStore;
import io.gatehouse.semanager.driver.ssh.SshDriver;
import io.gatehouse.semanager.driver.ssh.SshKeyStore;
import io.gatehouse.semanager.identity.EngineCredentialIssuer;
import io.gatehouse.semanager.inventory.Inventory;
import io.gatehouse.semanager.lifecycle.Reconciler;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine lifecycle, when {@code gatehouse.semanager.lifecycle.enabled}: the drivers this
 * manager is configured for (local, SSH and Fleet always; Marathon with a URL), and the reconciler,
 * which acts only while this replica holds the leader lock in the inventory's database.
 */
@Factory
@Requires(property = "gatehouse.semanager.lifecycle.enabled", value = "true")
final class LifecycleFactory {
  private static final Logger log = LoggerFactory.getLogger(LifecycleFactory.class);

  @Singleton
  @Bean(preDestroy = "close")
  Reconciler reconciler(
      Inventory inventory,
      LifecycleConfig config,
      LocalDriverConfig local,
      MarathonDriverConfig marathon,
      SshDriverConfig ssh,
      SshKeyStore sshKeys,
      @Nullable EngineCredentialIssuer issuer,
      GrpcTls tls,
      TlsConfig tlsConfig,
      io.gatehouse.semanager.push.ConfigPush push,
      @Value("${grpc.server.port}") int grpcPort,
      @Value(PushFactory.HEARTBEAT_INTERVAL) Duration heartbeatInterval) {
    if (issuer == null) {
      throw new ConfigurationException(
          "gatehouse.semanager.engine-credentials.signing-key and .verification-key are required"
              + " with the lifecycle enabled: every engine it starts is given a credential of its"
              + " own");
    }
    Function<EngineSpec, String> credentials = spec -> issuer.deploy(spec.seId(), spec.groupName());
    String target =
        config.managerAddress() == null ? "127.0.0.1:" + grpcPort : config.managerAddress();
    ManagerAddress manager =
        tls.isPlaintext()
            ? ManagerAddress.plaintext(target)
            : ManagerAddress.trusting(
                target,
                config.engineCa() != null ? config.engineCa() : String.valueOf(tlsConfig.ca()));
    List<DeploymentDriver> drivers = new ArrayList<>();
    LocalDriver localDriver =
        new LocalDriver(
            new LocalDriver.Settings(
                local.command() == null ? LocalDriver.DEFAULT_COMMAND : local.command(),
                local.engineJar(),
                local.workDir() == null
                    ? Path.of(System.getProperty("java.io.tmpdir"), "gatehouse-engines")
                    : local.workDir(),
                manager,
                credentials));
    drivers.add(localDriver);
    if (marathon.url() != null && !marathon.url().isBlank()) {
      SecretStore secrets = secretStore(marathon);
      drivers.add(
          new MarathonDriver(
              new MarathonDriver.Settings(
                  URI.create(marathon.url()),
                  marathon.credentials(),
                  marathon.command() == null ? MarathonDriver.DEFAULT_COMMAND : marathon.command(),
                  manager,
                  groupCredentials(marathon, secrets, issuer),
                  pullConfigs(marathon, secrets))));
    }
    drivers.add(
        new SshDriver(
            sshKeys,
            new SshDriver.Settings(
                ssh.connectTimeout(),
                ssh.commandTimeout(),
                ssh.knownHosts(),
                manager,
                credentials)));
    drivers.add(
        new FleetDriver(
            new FleetDriver.Settings(
                Duration.ofSeconds(10),
                manager,
                // a unit is readable through Fleet's API: its credential works once
                spec -> issuer.enroll(spec.seId(), spec.groupName()))));
    Reconciler reconciler =
        new Reconciler(
            inventory,
            drivers,
            new Reconciler.Settings(
                config.interval(),
                config.startTimeout(),
                config.lostAfter(),
                silentAfter(heartbeatInterval),
                method(config.defaultMethod())),
            Clock.systemUTC());
    localDriver.onExit(seId -> reconciler.wake());
    reconciler.drainWith(push::drain, config.drainTimeout());
    log.info(
        "engine lifecycle on: drivers {}, default method {}, engines reach the manager at {}",
        drivers.stream().map(DeploymentDriver::method).toList(),
        config.defaultMethod(),
        manager.target());
    return reconciler.start();
  }

  /** Marathon's secret store, where the Marathon driver keeps what its apps' secrets refer to. */
  private static SecretStore secretStore(MarathonDriverConfig marathon) {
    String prefix = "gatehouse.semanager.lifecycle.marathon.";
    if (marathon.secretStoreUrl() == null || marathon.secretStoreUrl().isBlank()) {
      throw new ConfigurationException(
          prefix
              + "secret-store-url is required with "
              + prefix
              + "url: the engines of a Marathon app get their credential as one of Marathon's"
              + " secrets (DC/OS Secrets API), never in the app's plain environment");
    }
    if (marathon.secretStoreToken() == null || marathon.secretStoreToken().isBlank()) {
      throw new ConfigurationException(
          prefix + "secret-store-token is required with " + prefix + "secret-store-url");
    }
    return new SecretStore(
        URI.create(marathon.secretStoreUrl()), marathon.secretStore(), marathon.secretStoreToken());
  }

  /** Where the Marathon driver keeps its groups' credentials. */
  private static GroupCredentials groupCredentials(
      MarathonDriverConfig marathon, SecretStore secrets, EngineCredentialIssuer issuer) {
    String prefix = "gatehouse.semanager.lifecycle.marathon.";
    try {
      return new GroupCredentials(
          secrets,
          marathon.credentialSecret(),
          issuer::deployGroup,
          issuer.groupLifetime(),
          Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(prefix + "credential-secret: " + e.getMessage(), e);
    }
  }

  /** Where the Marathon driver keeps the Docker configs its groups' images are pulled with. */
  private static RegistryPullConfigs pullConfigs(
      MarathonDriverConfig marathon, SecretStore secrets) {
    try {
      return new RegistryPullConfigs(secrets, marathon.registrySecret());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          "gatehouse.semanager.lifecycle.marathon.registry-secret: " + e.getMessage(), e);
    }
  }

  /** The reconciler acts while this replica holds the lock "se-manager-svc/reconciler". */
  @Context
  @Bean(preDestroy = "close")
  LeaderElection reconcilerElection(Reconciler reconciler, Elections elections) {
    return elections.start(
        "se-manager-svc/reconciler",
        leading -> {
          log.info(leading ? "leading: reconciling the fleet" : "no longer leading");
          reconciler.leading(leading);
        });
  }

  private static DeploymentMethod method(String name) {
    return switch (name.toLowerCase()) {
      case "marathon" -> DeploymentMethod.DEPLOYMENT_METHOD_MARATHON;
      case "local" -> DeploymentMethod.DEPLOYMENT_METHOD_LOCAL;
      case "ssh" -> DeploymentMethod.DEPLOYMENT_METHOD_SSH;
      case "fleet" -> DeploymentMethod.DEPLOYMENT_METHOD_FLEET;
      default ->
          throw new ConfigurationException(
              "gatehouse.semanager.lifecycle.default-method: "
                  + name
                  + " is not one of marathon, local, ssh, fleet");
    };
  }

  /**
   * How long a connected engine may go without a heartbeat: three intervals, and never under 30 s,
   * so that a busy machine's late heartbeats never make the manager start a second engine.
   */
  static Duration silentAfter(Duration heartbeatInterval) {
    Duration three = heartbeatInterval.multipliedBy(3);
    return three.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : three;
  }
}
