package io.gatehouse.discovery.labels;

import java.util.Set;

/**
 * How apps are proxied by default.
 *
 * @param httpContainerPorts container ports whose services are HTTP (others are TCP); default 80
 *     and 8080
 * @param servicePortMin lowest service port that is proxied east-west
 * @param servicePortMax highest service port that is proxied east-west
 */
public record ProxySettings(
    Set<Integer> httpContainerPorts, int servicePortMin, int servicePortMax) {
  /** HTTP on container ports 80 and 8080; service ports 1-65535. */
  public static ProxySettings defaults() {
    return new ProxySettings(Set.of(80, 8080), 1, 65535);
  }
}
