package io.gatehouse.engine.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What makes a virtual service a child of another: it serves the requests on the parent's HTTP
 * listeners whose Host is one of its domain names and whose path starts with its prefix.
 *
 * @param parent the name of the virtual service whose listeners it shares
 * @param domainNames host names, exact ("shop.example.com") or "*." and a suffix (one or more
 *     labels)
 * @param pathPrefix what a request's path starts with; "" for every path
 */
public record VirtualHostConfig(String parent, List<String> domainNames, String pathPrefix) {
  public VirtualHostConfig {
    requireNonNull(parent, "parent");
    domainNames = List.copyOf(domainNames);
    requireNonNull(pathPrefix, "pathPrefix");
  }
}
