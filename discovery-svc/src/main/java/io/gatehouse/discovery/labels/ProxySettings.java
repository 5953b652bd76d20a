package io.gatehouse.discovery.labels;

import java.util.Set;

/**
 * How apps are proxied by default.
 *
 * @param httpContainerPorts container ports whose services are HTTP (others are TCP); default 80
 *     and 8080
 * @param servicePortMin lowest service port that is proxied east-west
 * @param servicePortMax highest service port that is proxied east-west
 * @param references the certificates and SE groups labels may refer to
 * @param marathonLb where apps labelled for marathon-lb are served
 */
public record ProxySettings(
    Set<Integer> httpContainerPorts,
    int servicePortMin,
    int servicePortMax,
    LabelReferences references,
    MarathonLbSettings marathonLb) {
  /** Settings without marathon-lb groups beyond {@code internal}. */
  public ProxySettings(
      Set<Integer> httpContainerPorts,
      int servicePortMin,
      int servicePortMax,
      LabelReferences references) {
    this(httpContainerPorts, servicePortMin, servicePortMax, references, MarathonLbSettings.none());
  }

  /** Settings whose labels refer to no certificate and no SE group. */
  public ProxySettings(Set<Integer> httpContainerPorts, int servicePortMin, int servicePortMax) {
    this(httpContainerPorts, servicePortMin, servicePortMax, LabelReferences.none());
  }

  /** These settings with the service ports {@code min}-{@code max} proxied east-west. */
  public ProxySettings withServicePorts(int min, int max) {
    return new ProxySettings(httpContainerPorts, min, max, references, marathonLb);
  }

  /** HTTP on container ports 80 and 8080; service ports 1-65535. */
  public static ProxySettings defaults() {
    return new ProxySettings(Set.of(80, 8080), 1, 65535);
  }
}
