package io.gatehouse.discovery.labels;

import java.util.Set;

/**
 * The objects an app's labels may refer to, by name: the operator's choice, since whoever may
 * deploy an app may write its labels. A name of {@code *} allows every object of its kind.
 *
 * @param certificates certificates ({@code ssl_key_and_certificate_refs})
 * @param seGroups service engine groups ({@code se_group_ref})
 */
public record LabelReferences(Set<String> certificates, Set<String> seGroups) {
  /** Labels refer to no certificate and no SE group. */
  public static LabelReferences none() {
    return new LabelReferences(Set.of(), Set.of());
  }

  public LabelReferences {
    certificates = Set.copyOf(certificates);
    seGroups = Set.copyOf(seGroups);
  }

  boolean allowsCertificate(String name) {
    return certificates.contains("*") || certificates.contains(name);
  }

  boolean allowsSeGroup(String name) {
    return seGroups.contains("*") || seGroups.contains(name);
  }
}
