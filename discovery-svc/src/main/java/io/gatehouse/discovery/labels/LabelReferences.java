package io.gatehouse.discovery.labels;

import java.util.Set;

/**
 * The objects an app's labels may refer to, by name: the operator's choice, since whoever may
 * deploy an app may write its labels. A name of {@code *} allows every object of its kind.
 *
 * @param certificates certificates ({@code ssl_key_and_certificate_refs})
 * @param seGroups service engine groups ({@code se_group_ref})
 * @param parents virtual services an app may become a child of ({@code vh_parent_vs_ref}), that is,
 *     whose listeners it may claim host names on
 * @param abPools pools an app's pool may send a share of its traffic to ({@code pool.ab_pool})
 * @param httpPolicySets HTTP policy sets an app's virtual service may apply ({@code
 *     virtualservice.http_policies}): a set may send requests to any pool, so a label that could
 *     name any set could expose any pool on the app's listeners
 */
public record LabelReferences(
    Set<String> certificates,
    Set<String> seGroups,
    Set<String> parents,
    Set<String> abPools,
    Set<String> httpPolicySets) {
  /** Labels refer to no certificate, no SE group, no parent, no B pool and no HTTP policy set. */
  public static LabelReferences none() {
    return new LabelReferences(Set.of(), Set.of(), Set.of(), Set.of(), Set.of());
  }

  /** No HTTP policy set. */
  public LabelReferences(
      Set<String> certificates, Set<String> seGroups, Set<String> parents, Set<String> abPools) {
    this(certificates, seGroups, parents, abPools, Set.of());
  }

  public LabelReferences {
    certificates = Set.copyOf(certificates);
    seGroups = Set.copyOf(seGroups);
    parents = Set.copyOf(parents);
    abPools = Set.copyOf(abPools);
    httpPolicySets = Set.copyOf(httpPolicySets);
  }

  /** Certificates, SE groups and parents; no B pool. */
  public LabelReferences(Set<String> certificates, Set<String> seGroups, Set<String> parents) {
    this(certificates, seGroups, parents, Set.of());
  }

  /** Certificates and SE groups only; no parent, no B pool. */
  public LabelReferences(Set<String> certificates, Set<String> seGroups) {
    this(certificates, seGroups, Set.of(), Set.of());
  }

  boolean allowsCertificate(String name) {
    return certificates.contains("*") || certificates.contains(name);
  }

  boolean allowsAbPool(String name) {
    return abPools.contains("*") || abPools.contains(name);
  }

  boolean allowsHttpPolicySet(String name) {
    return httpPolicySets.contains("*") || httpPolicySets.contains(name);
  }

  boolean allowsParent(String name) {
    return parents.contains("*") || parents.contains(name);
  }

  boolean allowsSeGroup(String name) {
    return seGroups.contains("*") || seGroups.contains(name);
  }
}
