package io.gatehouse.policy.internal;

import io.gatehouse.api.policy.v1.ObjectKind;

/** The API's names for object kinds. */
public final class ResourceTypes {
  private ResourceTypes() {}

  /** The message name, e.g. {@code VirtualService}. */
  public static String simpleName(ObjectKind kind) {
    return switch (kind) {
      case OBJECT_KIND_VIRTUAL_SERVICE -> "VirtualService";
      case OBJECT_KIND_POOL -> "Pool";
      case OBJECT_KIND_HEALTH_MONITOR -> "HealthMonitor";
      case OBJECT_KIND_NETWORK_SECURITY_POLICY -> "NetworkSecurityPolicy";
      case OBJECT_KIND_SSL_KEY_AND_CERTIFICATE -> "SslKeyAndCertificate";
      case OBJECT_KIND_AUTOSCALE_POLICY -> "AutoscalePolicy";
      case OBJECT_KIND_SERVICE_ENGINE_GROUP -> "ServiceEngineGroup";
      case OBJECT_KIND_HTTP_POLICY_SET -> "HttpPolicySet";
      case OBJECT_KIND_CLOUD -> "Cloud";
      case OBJECT_KIND_UNSPECIFIED, UNRECOGNIZED -> "Object";
    };
  }

  /** The fully qualified message name, e.g. {@code gatehouse.policy.v1.VirtualService}. */
  public static String of(ObjectKind kind) {
    return "gatehouse.policy.v1." + simpleName(kind);
  }
}
