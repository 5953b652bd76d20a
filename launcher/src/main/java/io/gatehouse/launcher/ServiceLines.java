package io.gatehouse.launcher;

import io.gatehouse.pki.LocalAuthority;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The command lines {@code gatehouse up} starts the control plane with: each service's replicas,
 * their ports, the addresses of the others (every replica's, so a client moves to another when its
 * own goes), their settings and, in their environment, their secrets.
 *
 * <p>Replica {@code r} (from 0) of the service at offset {@code o} (1 policy, 2 discovery, 3
 * se-manager, 4 analytics) serves gRPC on {@code base + o + 10r} and its management endpoints on
 * {@code base + 90 + o + 10r}; with one replica these are the familiar base+1..4 and base+91..94.
 */
final class ServiceLines {
  static final int POLICY = 1;
  static final int DISCOVERY = 2;
  static final int SE_MANAGER = 3;
  static final int ANALYTICS = 4;
  static final int MAX_REPLICAS = 5;

  /** One process to start: its name in the output, its module, arguments, environment, port. */
  record Launch(String name, String module, List<String> args, Map<String, String> env, int port) {}

  /** What the lines are made of. */
  record Settings(
      int basePort,
      int replicas,
      int marathonPort,
      int mesosPort,
      int consolePort,
      Path home,
      Path engineJar,
      List<String> labelParents,
      List<String> labelHttpPolicySets,
      Map<String, String> marathonLbParents,
      Map<String, String> marathonLbVips) {}

  private final Settings settings;
  private final Secrets secrets;
  private final LocalTls tls;
  private final String jdbc;
  private final LocalAuthority.SigningKeys engineKeys;

  ServiceLines(
      Settings settings,
      Secrets secrets,
      LocalTls tls,
      String jdbc,
      LocalAuthority.SigningKeys engineKeys) {
    if (settings.replicas() < 1 || settings.replicas() > MAX_REPLICAS) {
      throw new IllegalArgumentException(
          "--replicas must be 1 to " + MAX_REPLICAS + ", not " + settings.replicas());
    }
    this.settings = settings;
    this.secrets = secrets;
    this.tls = tls;
    this.jdbc = jdbc;
    this.engineKeys = engineKeys;
  }

  static int grpcPort(int basePort, int offset, int replica) {
    return basePort + offset + 10 * replica;
  }

  static int managementPort(int basePort, int offset, int replica) {
    return basePort + 90 + offset + 10 * replica;
  }

  /** Every replica's gRPC address of the service at {@code offset}, comma-separated. */
  String targets(int offset) {
    return IntStream.range(0, settings.replicas())
        .mapToObj(r -> "127.0.0.1:" + grpcPort(settings.basePort(), offset, r))
        .collect(Collectors.joining(","));
  }

  List<Launch> policy() {
    return replicas(
        "policy",
        "policy-svc",
        POLICY,
        with(db(), tls.serviceArgs("policy-svc")),
        Map.of(
            "GATEHOUSE_POLICY_AUTH_OPERATOR_TOKENS", secrets.get("operator-token"),
            "GATEHOUSE_POLICY_AUTH_DISCOVERY_TOKEN", secrets.get("discovery-token"),
            "GATEHOUSE_POLICY_AUTH_SE_MANAGER_TOKEN", secrets.get("se-manager-token"),
            "GATEHOUSE_POLICY_AUTH_ANALYTICS_TOKEN", secrets.get("analytics-token"),
            "GATEHOUSE_POLICY_SECRETS_KEY", secrets.get("policy-secrets-key"),
            "DATASOURCES_DEFAULT_PASSWORD", secrets.get("postgres-password")));
  }

  List<Launch> discovery() {
    List<String> args = new ArrayList<>(tls.serviceArgs("discovery-svc"));
    args.addAll(
        List.of(
            "--gatehouse.discovery.marathons.default.url=http://127.0.0.1:"
                + settings.marathonPort(),
            "--gatehouse.discovery.mesos.url=http://127.0.0.1:" + settings.mesosPort(),
            "--gatehouse.discovery.policy.target=" + targets(POLICY),
            // the replicas elect their one policy writer in the platform's database
            "--gatehouse.discovery.leader.jdbc-url=" + jdbc,
            "--gatehouse.discovery.leader.username=postgres",
            "--gatehouse.discovery.proxy.label-parents="
                + String.join(",", settings.labelParents()),
            "--gatehouse.discovery.proxy.label-http-policy-sets="
                + String.join(",", settings.labelHttpPolicySets())));
    settings
        .marathonLbParents()
        .forEach(
            (group, vs) ->
                args.add("--gatehouse.discovery.proxy.marathon-lb-parents." + group + "=" + vs));
    settings
        .marathonLbVips()
        .forEach(
            (group, vip) ->
                args.add("--gatehouse.discovery.proxy.marathon-lb-vips." + group + "=" + vip));
    return replicas(
        "discovery",
        "discovery-svc",
        DISCOVERY,
        args,
        Map.of(
            "GATEHOUSE_DISCOVERY_AUTH_OPERATOR_TOKENS", secrets.get("operator-token"),
            "GATEHOUSE_DISCOVERY_AUTH_SE_MANAGER_TOKEN", secrets.get("se-manager-token"),
            "GATEHOUSE_DISCOVERY_AUTH_ANALYTICS_TOKEN", secrets.get("analytics-token"),
            "GATEHOUSE_DISCOVERY_POLICY_TOKEN", secrets.get("discovery-token"),
            "GATEHOUSE_DISCOVERY_LEADER_PASSWORD", secrets.get("postgres-password")));
  }

  /**
   * se-manager-svc's replicas: the one that leads starts a local engine per agent, and every engine
   * is given every replica's address to connect to, and every analytics replica's.
   */
  List<Launch> seManager() {
    Path work = settings.home().resolve("engines");
    List<String> args =
        with(
            with(db(), tls.serviceArgs("se-manager-svc")),
            List.of(
                "--gatehouse.semanager.policy.target=" + targets(POLICY),
                "--gatehouse.semanager.discovery.target=" + targets(DISCOVERY),
                "--gatehouse.semanager.lifecycle.enabled=true",
                "--gatehouse.semanager.lifecycle.default-method=local",
                "--gatehouse.semanager.lifecycle.interval=2s",
                "--gatehouse.semanager.lifecycle.manager-address=" + targets(SE_MANAGER),
                "--gatehouse.semanager.lifecycle.local.engine-jar=" + settings.engineJar(),
                "--gatehouse.semanager.lifecycle.local.command="
                    + "{java} -Xmx128m -jar {engine_jar} --control={manager} {control_tls}"
                    + " --se-id={se_id}"
                    + " --se-group={group} --node-id={node} --hostname={hostname}"
                    + " --admin={address}:9180 --state-dir={work_dir}/{se_id}"
                    + " --analytics="
                    + targets(ANALYTICS),
                "--gatehouse.semanager.lifecycle.local.work-dir=" + work,
                "--gatehouse.semanager.engine-credentials.signing-key=" + engineKeys.privateKey(),
                "--gatehouse.semanager.engine-credentials.verification-key="
                    + engineKeys.publicKey()));
    return replicas(
        "se-manager",
        "se-manager-svc",
        SE_MANAGER,
        args,
        Map.of(
            "GATEHOUSE_SEMANAGER_AUTH_OPERATOR_TOKENS", secrets.get("operator-token"),
            "GATEHOUSE_SEMANAGER_AUTH_SERVICE_TOKENS", secrets.get("analytics-token"),
            "GATEHOUSE_SEMANAGER_POLICY_TOKEN", secrets.get("se-manager-token"),
            "GATEHOUSE_SEMANAGER_DISCOVERY_TOKEN", secrets.get("se-manager-token"),
            "GATEHOUSE_SEMANAGER_SECRETS_KEY", secrets.get("se-manager-secrets-key"),
            "DATASOURCES_DEFAULT_PASSWORD", secrets.get("postgres-password")));
  }

  List<Launch> analytics() {
    return replicas(
        "analytics",
        "analytics-svc",
        ANALYTICS,
        with(
            with(db(), tls.serviceArgs("analytics-svc")),
            List.of(
                "--gatehouse.analytics.autoscale.enabled=true",
                "--gatehouse.analytics.autoscale.policy-target=" + targets(POLICY),
                "--gatehouse.analytics.discovery.target=" + targets(DISCOVERY),
                "--gatehouse.analytics.semanager.target=" + targets(SE_MANAGER),
                "--gatehouse.analytics.auth.engine-credentials-key=" + engineKeys.publicKey())),
        Map.of(
            "GATEHOUSE_ANALYTICS_AUTH_OPERATOR_TOKENS", secrets.get("operator-token"),
            "GATEHOUSE_ANALYTICS_AUTOSCALE_POLICY_TOKEN", secrets.get("analytics-token"),
            "GATEHOUSE_ANALYTICS_DISCOVERY_TOKEN", secrets.get("analytics-token"),
            "GATEHOUSE_ANALYTICS_SEMANAGER_TOKEN", secrets.get("analytics-token"),
            "DATASOURCES_DEFAULT_PASSWORD", secrets.get("postgres-password")));
  }

  /** The console: one, calling every replica of each service. */
  Launch console() {
    return new Launch(
        "console",
        "console",
        with(
            with(db(), tls.clientArgs("console")),
            List.of(
                "--micronaut.server.ssl.port=" + settings.consolePort(),
                "--micronaut.server.host=127.0.0.1",
                "--gatehouse.console.state-dir=" + settings.home().resolve("console"),
                "--gatehouse.console.policy.target=" + targets(POLICY),
                "--gatehouse.console.discovery.target=" + targets(DISCOVERY),
                "--gatehouse.console.semanager.target=" + targets(SE_MANAGER),
                "--gatehouse.console.analytics.target=" + targets(ANALYTICS))),
        Map.of(
            "GATEHOUSE_CONSOLE_OPERATOR_TOKEN", secrets.get("operator-token"),
            "DATASOURCES_DEFAULT_PASSWORD", secrets.get("postgres-password")),
        settings.consolePort());
  }

  private List<Launch> replicas(
      String name, String module, int offset, List<String> args, Map<String, String> env) {
    List<Launch> launches = new ArrayList<>();
    for (int r = 0; r < settings.replicas(); r++) {
      int port = grpcPort(settings.basePort(), offset, r);
      List<String> line =
          with(
              List.of(
                  "--grpc.server.port=" + port,
                  "--micronaut.server.port=" + managementPort(settings.basePort(), offset, r),
                  // management (health, metrics): this machine only
                  "--micronaut.server.host=127.0.0.1"),
              args);
      launches.add(new Launch(r == 0 ? name : name + "-" + (r + 1), module, line, env, port));
    }
    return launches;
  }

  private List<String> db() {
    return List.of("--datasources.default.url=" + jdbc, "--datasources.default.username=postgres");
  }

  private static List<String> with(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
