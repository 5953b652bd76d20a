package io.gatehouse.discovery.marathon;

/** How an app's tasks are networked, which decides where their endpoints are. */
public enum NetworkMode {
  /** The agent's network: endpoints are host:hostPort. */
  HOST,
  /**
   * Docker bridge with port mappings: endpoints are host:hostPort (the bridge IP is not routable).
   */
  BRIDGE,
  /**
   * IP-per-task (a container network): endpoints are taskIp:containerPort; task ports are empty.
   */
  CONTAINER
}
