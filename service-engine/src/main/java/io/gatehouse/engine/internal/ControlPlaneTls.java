package io.gatehouse.engine.internal;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;

/**
 * How the engine's channels to the control plane are secured: TLS credentials (the CA it trusts,
 * and a client certificate when it has one) and the name the services' certificates are checked
 * against; or plaintext, which must be asked for.
 *
 * @param credentials the channels' credentials
 * @param serverName the name checked in the services' certificates; null: the target's host
 */
public record ControlPlaneTls(ChannelCredentials credentials, String serverName) {
  /** No TLS: asked for with {@code --control-plaintext}. */
  public static ControlPlaneTls plaintext() {
    return new ControlPlaneTls(InsecureChannelCredentials.create(), null);
  }
}
