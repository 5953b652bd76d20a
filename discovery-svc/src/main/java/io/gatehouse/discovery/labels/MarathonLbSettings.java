package io.gatehouse.discovery.labels;

import java.util.Map;

/**
 * Where the apps of each marathon-lb group ({@code HAPROXY_GROUP}) are served. {@code internal}
 * needs nothing: its service ports are east-west, on every engine. Another group's service ports
 * listen on its VIP; host-named ports ({@code HAPROXY_n_VHOST}) of any group become children of its
 * parent virtual service (the one on the group's :80 and :443).
 *
 * @param parents group → name of the parent virtual service for its VHOST apps
 * @param vips group → the VIP its service ports listen on (north-south)
 */
public record MarathonLbSettings(Map<String, String> parents, Map<String, String> vips) {
  /** The group served east-west without configuration. */
  public static final String INTERNAL = "internal";

  public MarathonLbSettings {
    parents = Map.copyOf(parents);
    vips = Map.copyOf(vips);
  }

  /** No group but {@code internal}, and no VHOST parent. */
  public static MarathonLbSettings none() {
    return new MarathonLbSettings(Map.of(), Map.of());
  }
}
