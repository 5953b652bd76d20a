package io.gatehouse.semanager.follow;

import io.gatehouse.api.policy.v1.ChangeType;
import io.gatehouse.api.policy.v1.GetRegistryCredentialsRequest;
import io.gatehouse.api.policy.v1.GetSslPrivateKeyRequest;
import io.gatehouse.api.policy.v1.HealthMonitor;
import io.gatehouse.api.policy.v1.HttpPolicySet;
import io.gatehouse.api.policy.v1.NetworkSecurityPolicy;
import io.gatehouse.api.policy.v1.ObjectChange;
import io.gatehouse.api.policy.v1.PolicyObject;
import io.gatehouse.api.policy.v1.PolicySecretServiceGrpc;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.api.policy.v1.SslKeyAndCertificate;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.api.policy.v1.WatchRequest;
import io.gatehouse.api.policy.v1.WatchResponse;
import io.gatehouse.semanager.compile.PolicyView;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows policy-svc's Watch into a {@link PolicyView}: a consistent snapshot first, then every
 * change, each message handed on as a new view; certificates get their private keys from the secret
 * service. A lost stream resumes from the last revision seen (a compacted one starts over from a
 * snapshot), after a capped backoff. Runs on a thread of its own.
 */
public final class PolicyFollower extends StreamFollower {
  private static final Logger log = LoggerFactory.getLogger(PolicyFollower.class);

  private final PolicyServiceGrpc.PolicyServiceBlockingStub policy;
  private final PolicySecretServiceGrpc.PolicySecretServiceBlockingStub secrets;
  private final Consumer<PolicyView> onChange;
  private final Map<String, VirtualService> services = new HashMap<>();
  private final Map<String, Pool> pools = new HashMap<>();
  private final Map<String, HealthMonitor> monitors = new HashMap<>();
  private final Map<String, NetworkSecurityPolicy> securityPolicies = new HashMap<>();
  private final Map<String, SslKeyAndCertificate> certificates = new HashMap<>();
  private final Map<String, ServiceEngineGroup> seGroups = new HashMap<>();
  private final Map<String, HttpPolicySet> httpPolicySets = new HashMap<>();
  private volatile boolean synced;
  private long revision = -1;

  /**
   * @param policyChannel a channel to policy-svc that carries se-manager's token
   */
  public PolicyFollower(Channel policyChannel, Consumer<PolicyView> onChange) {
    super("policy-follower");
    this.policy = PolicyServiceGrpc.newBlockingStub(policyChannel);
    this.secrets = PolicySecretServiceGrpc.newBlockingStub(policyChannel);
    this.onChange = onChange;
  }

  public PolicyFollower start() {
    startThread();
    return this;
  }

  /** Whether the view is complete (the first snapshot has arrived). */
  public boolean synced() {
    return synced;
  }

  @Override
  void follow() {
    boolean snapshot = revision < 0;
    WatchRequest request =
        snapshot
            ? WatchRequest.newBuilder().setInitialSnapshot(true).build()
            : WatchRequest.newBuilder().setFromRevision(revision).build();
    if (snapshot) {
      clear();
    }
    Iterator<WatchResponse> responses = policy.watch(request);
    boolean inSnapshot = snapshot;
    while (responses.hasNext()) {
      WatchResponse response = responses.next();
      response.getChangesList().forEach(this::apply);
      revision = response.getRevision();
      if (inSnapshot && !response.getSnapshotComplete()) {
        continue; // a partial snapshot is never handed on
      }
      if (inSnapshot || response.getChangesCount() > 0) {
        inSnapshot = false;
        synced = true;
        onChange.accept(view());
      }
    }
  }

  /** A compacted revision starts over from a snapshot; any other break resumes from it. */
  @Override
  void lost(StatusRuntimeException e) {
    if (e.getStatus().getCode() == Status.Code.OUT_OF_RANGE) {
      log.info(
          "policy history compacted past revision {}; starting over from a snapshot", revision);
      revision = -1;
    } else {
      log.warn("policy watch lost ({}); resuming from revision {}", e.getStatus(), revision);
    }
  }

  private void apply(ObjectChange change) {
    boolean deleted = change.getType() == ChangeType.CHANGE_TYPE_DELETED;
    PolicyObject object = change.getObject();
    switch (object.getKindCase()) {
      case VIRTUAL_SERVICE ->
          put(
              services,
              object.getVirtualService().getMeta().getName(),
              object.getVirtualService(),
              deleted);
      case POOL -> put(pools, object.getPool().getMeta().getName(), object.getPool(), deleted);
      case HEALTH_MONITOR ->
          put(
              monitors,
              object.getHealthMonitor().getMeta().getName(),
              object.getHealthMonitor(),
              deleted);
      case NETWORK_SECURITY_POLICY ->
          put(
              securityPolicies,
              object.getNetworkSecurityPolicy().getMeta().getName(),
              object.getNetworkSecurityPolicy(),
              deleted);
      case SSL_KEY_AND_CERTIFICATE -> {
        SslKeyAndCertificate certificate = object.getSslKeyAndCertificate();
        put(
            certificates,
            certificate.getMeta().getName(),
            deleted ? certificate : withKey(certificate),
            deleted);
      }
      case SERVICE_ENGINE_GROUP -> {
        ServiceEngineGroup group = object.getServiceEngineGroup();
        put(
            seGroups,
            group.getMeta().getName(),
            deleted ? group : withRegistryCredentials(group),
            deleted);
      }
      case HTTP_POLICY_SET ->
          put(
              httpPolicySets,
              object.getHttpPolicySet().getMeta().getName(),
              object.getHttpPolicySet(),
              deleted);
      case AUTOSCALE_POLICY, CLOUD, KIND_NOT_SET -> {
        // not se-manager's concern
      }
    }
  }

  private SslKeyAndCertificate withKey(SslKeyAndCertificate certificate) {
    String key =
        secrets
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getSslPrivateKey(
                GetSslPrivateKeyRequest.newBuilder()
                    .setName(certificate.getMeta().getName())
                    .build())
            .getPrivateKeyPem();
    return certificate.toBuilder().setPrivateKeyPem(key).build();
  }

  /** The group with its registry credentials filled in, when it has some (for its deployment). */
  private ServiceEngineGroup withRegistryCredentials(ServiceEngineGroup group) {
    if (!group.getImage().getRegistryCredentialsSet()) {
      return group;
    }
    String credentials =
        secrets
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getRegistryCredentials(
                GetRegistryCredentialsRequest.newBuilder()
                    .setName(group.getMeta().getName())
                    .build())
            .getRegistryCredentials();
    return group.toBuilder()
        .setImage(group.getImage().toBuilder().setRegistryCredentials(credentials))
        .build();
  }

  private static <T> void put(Map<String, T> map, String name, T object, boolean deleted) {
    if (deleted) {
      map.remove(name);
    } else {
      map.put(name, object);
    }
  }

  private void clear() {
    services.clear();
    pools.clear();
    monitors.clear();
    securityPolicies.clear();
    certificates.clear();
    seGroups.clear();
    httpPolicySets.clear();
  }

  private PolicyView view() {
    return new PolicyView(
        services, pools, monitors, securityPolicies, certificates, seGroups, httpPolicySets);
  }
}
