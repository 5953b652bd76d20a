package io.gatehouse.discovery.internal;

import io.gatehouse.common.grpc.BearerToken;
import io.gatehouse.common.leader.LeaderElection;
import io.gatehouse.common.leader.Leadership;
import io.gatehouse.common.leader.Replicas;
import io.gatehouse.common.tls.GrpcTls;
import io.gatehouse.discovery.labels.LabelError;
import io.gatehouse.discovery.policy.PolicyWriter;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link PolicyWriter} per followed Marathon, writing to policy-svc with discovery's token — on
 * one replica only: the leader elected in the database of {@link LeaderConfig}, or this replica
 * when none is configured. A replica that stops leading stops its writers; the new leader starts
 * from a full comparison, so nothing depends on what the old one had done.
 */
@Context
@Requires(property = "gatehouse.discovery.policy.target")
public final class PolicyWriters {
  private static final Logger log = LoggerFactory.getLogger(PolicyWriters.class);
  private static final String DUTY = "discovery-svc/policy-writer";

  private final Frameworks frameworks;
  private final PolicyConfig config;
  private final ManagedChannel channel;
  private final Channel authorized;
  private final LeaderElection election;
  private final Map<String, PolicyWriter> byFramework = new ConcurrentSkipListMap<>();

  private final String replica;

  @Inject
  public PolicyWriters(
      Frameworks frameworks,
      PolicyConfig config,
      LeaderConfig leader,
      GrpcTls tls,
      @Value("${grpc.server.port:0}") int grpcPort) {
    this(frameworks, config, leader, tls, Replicas.name(grpcPort));
  }

  /** With this replica's name given ({@link Replicas#name}). */
  public PolicyWriters(
      Frameworks frameworks,
      PolicyConfig config,
      LeaderConfig leader,
      GrpcTls tls,
      String replica) {
    if (config.token() == null || config.token().isBlank()) {
      throw new ConfigurationException(
          "gatehouse.discovery.policy.token is required with gatehouse.discovery.policy.target: discovery-svc's token at policy-svc");
    }
    this.frameworks = frameworks;
    this.config = config;
    this.replica = replica;
    this.channel = tls.channel(config.target(), "gatehouse.discovery.policy.server-name");
    this.authorized = BearerToken.attach(channel, config.token());
    if (leader.jdbcUrl() == null || leader.jdbcUrl().isBlank()) {
      log.info(
          "no gatehouse.discovery.leader.jdbc-url: this replica writes policy alone; configure one"
              + " before running several replicas");
      this.election = null;
      lead(true);
    } else {
      this.election =
          new LeaderElection(
                  new LeaderElection.Settings(
                      leader.jdbcUrl(),
                      leader.username(),
                      leader.password(),
                      DUTY,
                      leader.interval(),
                      replica))
              .onChange(this::lead)
              .start();
    }
  }

  /** Who writes policy: the elected replica, or this one when there is no election. */
  public Leadership leadership() {
    return election == null ? Leadership.alone(DUTY, replica) : election.leadership();
  }

  /** Whether this replica writes policy now. */
  public boolean writing() {
    return !byFramework.isEmpty();
  }

  /** Translates and writes every app of {@code framework} again, when this replica writes. */
  public void retranslate(String framework) {
    PolicyWriter writer = byFramework.get(framework);
    if (writer != null) {
      writer.retranslate();
    }
  }

  /** What policy-svc refused for an app. */
  public List<LabelError> rejected(String framework, String appId) {
    PolicyWriter writer = byFramework.get(framework);
    return writer == null ? List.of() : writer.rejected(appId);
  }

  /**
   * Every app policy-svc refused something of, by Marathon instance and app id; empty on a replica
   * that does not write.
   */
  public java.util.SortedMap<AppRef, List<LabelError>> rejected() {
    java.util.SortedMap<AppRef, List<LabelError>> all = new java.util.TreeMap<>();
    byFramework.forEach(
        (framework, writer) ->
            writer
                .rejected()
                .forEach((app, errors) -> all.put(new AppRef(framework, app), errors)));
    return all;
  }

  /** An app by its Marathon instance and id, ordered so. */
  public record AppRef(String framework, String appId) implements Comparable<AppRef> {
    @Override
    public int compareTo(AppRef other) {
      int byFramework = framework.compareTo(other.framework);
      return byFramework != 0 ? byFramework : appId.compareTo(other.appId);
    }
  }

  /** The apps of a framework whose objects could not be written, with the errors. */
  public Map<String, List<LabelError>> failing(String framework) {
    PolicyWriter writer = byFramework.get(framework);
    return writer == null ? Map.of() : writer.failing();
  }

  /** How many apps of a framework have objects that could not be written. */
  public int failingApps(String framework) {
    PolicyWriter writer = byFramework.get(framework);
    return writer == null ? 0 : writer.failingApps();
  }

  private synchronized void lead(boolean leading) {
    if (leading) {
      for (Frameworks.Framework framework : frameworks.all()) {
        byFramework.computeIfAbsent(
            framework.name(),
            name ->
                new PolicyWriter(
                        name,
                        framework.model(),
                        framework.translator(),
                        authorized,
                        config.coalesce())
                    .start());
      }
    } else {
      byFramework.values().forEach(PolicyWriter::close);
      byFramework.clear();
    }
  }

  @PreDestroy
  void stop() {
    if (election != null) {
      election.close(); // steps down: the writers stop
    }
    lead(false);
    channel.shutdownNow();
  }
}
