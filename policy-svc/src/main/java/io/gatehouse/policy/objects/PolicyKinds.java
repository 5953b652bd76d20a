package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.policy.internal.InvalidArgumentException;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Every kind the store keeps, by {@link ObjectKind}. */
@Singleton
public final class PolicyKinds {
  private final Map<ObjectKind, PolicyKind<?>> byKind = new EnumMap<>(ObjectKind.class);
  private final VirtualServiceKind virtualServices = new VirtualServiceKind();
  private final PoolKind pools = new PoolKind();
  private final HealthMonitorKind healthMonitors = new HealthMonitorKind();
  private final NetworkSecurityPolicyKind networkSecurityPolicies = new NetworkSecurityPolicyKind();
  private final SslKeyAndCertificateKind certificates = new SslKeyAndCertificateKind();
  private final AutoscalePolicyKind autoscalePolicies = new AutoscalePolicyKind();
  private final ServiceEngineGroupKind serviceEngineGroups = new ServiceEngineGroupKind();
  private final HttpPolicySetKind httpPolicySets = new HttpPolicySetKind();
  private final CloudKind clouds = new CloudKind();

  public PolicyKinds() {
    List.of(
            virtualServices,
            pools,
            healthMonitors,
            networkSecurityPolicies,
            certificates,
            autoscalePolicies,
            serviceEngineGroups,
            httpPolicySets,
            clouds)
        .forEach(kind -> byKind.put(kind.kind(), kind));
  }

  public VirtualServiceKind virtualServices() {
    return virtualServices;
  }

  public PoolKind pools() {
    return pools;
  }

  public HealthMonitorKind healthMonitors() {
    return healthMonitors;
  }

  public NetworkSecurityPolicyKind networkSecurityPolicies() {
    return networkSecurityPolicies;
  }

  public SslKeyAndCertificateKind certificates() {
    return certificates;
  }

  public AutoscalePolicyKind autoscalePolicies() {
    return autoscalePolicies;
  }

  public ServiceEngineGroupKind serviceEngineGroups() {
    return serviceEngineGroups;
  }

  public HttpPolicySetKind httpPolicySets() {
    return httpPolicySets;
  }

  public CloudKind clouds() {
    return clouds;
  }

  /** The kind for {@code kind}; INVALID_ARGUMENT for UNSPECIFIED or unknown values. */
  public PolicyKind<?> of(ObjectKind kind) {
    PolicyKind<?> found = byKind.get(kind);
    if (found == null) {
      throw InvalidArgumentException.of("kinds", "unknown object kind " + kind);
    }
    return found;
  }

  /** All kinds. */
  public List<PolicyKind<?>> all() {
    return List.copyOf(byKind.values());
  }
}
