package io.gatehouse.policy.internal;

import static java.util.Objects.requireNonNull;

import io.gatehouse.api.policy.v1.ObjectKind;

/** Names one stored object: its kind and name. */
public record ObjectRef(ObjectKind kind, String name) {
  public ObjectRef {
    requireNonNull(kind, "kind");
    requireNonNull(name, "name");
  }

  /** The resource type as the API names it, e.g. {@code gatehouse.policy.v1.VirtualService}. */
  public String resourceType() {
    return ResourceTypes.of(kind);
  }

  @Override
  public String toString() {
    return ResourceTypes.simpleName(kind) + " \"" + name + "\"";
  }
}
