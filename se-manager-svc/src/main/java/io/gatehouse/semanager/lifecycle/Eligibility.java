package io.gatehouse.semanager.lifecycle;

import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.policy.v1.AttributeMatch;
import io.gatehouse.api.policy.v1.Placement;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.common.net.HostNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which active nodes get an engine of which group. A node runs one engine (east-west service ports
 * are bound on every engine, so two on a node would collide): when several groups admit a node, a
 * group that names include attributes wins over one that admits every node, and among equals the
 * first by name. A node whose host name or address is not a host name or IP literal gets none: its
 * name would go into the engine's id, command line and files.
 */
public final class Eligibility {
  private static final Logger log = LoggerFactory.getLogger(Eligibility.class);

  private Eligibility() {}

  /** Whether {@code placement} admits {@code node}. */
  public static boolean admits(Placement placement, Node node) {
    for (AttributeMatch include : placement.getIncludeAttributesList()) {
      if (!matches(include, node)) {
        return false;
      }
    }
    for (AttributeMatch exclude : placement.getExcludeAttributesList()) {
      if (matches(exclude, node)) {
        return false;
      }
    }
    return true;
  }

  /** Each group's nodes, by group name (every group present, possibly with no nodes). */
  public static Map<String, List<Node>> assign(
      Collection<ServiceEngineGroup> groups, Collection<Node> nodes) {
    List<ServiceEngineGroup> ordered = new ArrayList<>(groups);
    ordered.sort(
        Comparator.comparing(
                (ServiceEngineGroup g) -> g.getPlacement().getIncludeAttributesCount() == 0)
            .thenComparing(g -> g.getMeta().getName()));
    Map<String, List<Node>> assigned = new LinkedHashMap<>();
    ordered.forEach(g -> assigned.put(g.getMeta().getName(), new ArrayList<>()));
    List<Node> sortedNodes = new ArrayList<>(nodes);
    sortedNodes.sort(Comparator.comparing(Node::getHostname).thenComparing(Node::getId));
    for (Node node : sortedNodes) {
      if (!node.getActive()) {
        continue;
      }
      if (!HostNames.valid(node.getHostname()) || !HostNames.valid(node.getAddress())) {
        log.warn(
            "node {} gets no engine: \"{}\" ({}) is not a host name or IP address",
            HostNames.printable(node.getId()),
            HostNames.printable(node.getHostname()),
            HostNames.printable(node.getAddress()));
        continue;
      }
      for (ServiceEngineGroup group : ordered) {
        if (admits(group.getPlacement(), node)) {
          assigned.get(group.getMeta().getName()).add(node);
          break;
        }
      }
    }
    return assigned;
  }

  private static boolean matches(AttributeMatch match, Node node) {
    String value = node.getAttributesMap().get(match.getName());
    return value != null && (match.getValuesCount() == 0 || match.getValuesList().contains(value));
  }
}
