package io.gatehouse.semanager.compile;

import io.gatehouse.api.policy.v1.HealthMonitor;
import io.gatehouse.api.policy.v1.HttpPolicySet;
import io.gatehouse.api.policy.v1.NetworkSecurityPolicy;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.api.policy.v1.SslKeyAndCertificate;
import io.gatehouse.api.policy.v1.VirtualService;
import java.util.Map;

/**
 * The policy objects se-manager reads, by name, as followed from policy-svc (certificates with
 * their private keys, read through the secret service): what the compiler turns into engine
 * resources, and the service engine groups the reconciler deploys.
 */
public record PolicyView(
    Map<String, VirtualService> virtualServices,
    Map<String, Pool> pools,
    Map<String, HealthMonitor> healthMonitors,
    Map<String, NetworkSecurityPolicy> securityPolicies,
    Map<String, SslKeyAndCertificate> certificates,
    Map<String, ServiceEngineGroup> seGroups,
    Map<String, HttpPolicySet> httpPolicySets) {
  public PolicyView {
    virtualServices = Map.copyOf(virtualServices);
    pools = Map.copyOf(pools);
    healthMonitors = Map.copyOf(healthMonitors);
    securityPolicies = Map.copyOf(securityPolicies);
    certificates = Map.copyOf(certificates);
    seGroups = Map.copyOf(seGroups);
    httpPolicySets = Map.copyOf(httpPolicySets);
  }
}
