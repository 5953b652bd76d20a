package io.gatehouse.semanager.compile;

import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.Endpoint;
import io.gatehouse.api.discovery.v1.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Marathon apps the compiler reads, as followed from discovery-svc: keyed by framework ("" for
 * the default Marathon) and app id.
 */
public record AppView(Map<String, App> apps) {
  /** A routable task's address and port for one of an app's ports, and its agent's host name. */
  public record Member(String taskId, String address, int port, String nodeId, String host) {}

  public AppView {
    apps = Map.copyOf(apps);
  }

  /** The view of {@code apps}, each under its framework and id. */
  public static AppView of(java.util.Collection<App> apps) {
    Map<String, App> byKey = new java.util.HashMap<>();
    apps.forEach(a -> byKey.put(key(a.getMarathonFramework(), a.getId()), a));
    return new AppView(byKey);
  }

  static String key(String framework, String appId) {
    return (framework == null || framework.equals("default") ? "" : framework) + "|" + appId;
  }

  /** An app by its framework ("" or "default" for the default Marathon) and id; null if none. */
  public App app(String framework, String appId) {
    return apps.get(key(framework, appId));
  }

  /** The routable tasks of an app, on its {@code portIndex}th port. */
  public List<Member> members(String framework, String appId, int portIndex) {
    App app = app(framework, appId);
    List<Member> members = new ArrayList<>();
    if (app == null) {
      return members;
    }
    for (Task task : app.getTasksList()) {
      if (!task.getRoutable()) {
        continue;
      }
      for (Endpoint endpoint : task.getEndpointsList()) {
        if (endpoint.getPortIndex() == portIndex) {
          members.add(
              new Member(
                  task.getId(),
                  endpoint.getAddress(),
                  endpoint.getPort(),
                  task.getAgentId(),
                  task.getHost()));
        }
      }
    }
    return members;
  }

  /** The addresses of an app's running tasks (any framework), for rules on apps. */
  public List<String> taskAddresses(String appId) {
    List<String> addresses = new ArrayList<>();
    apps.values().stream()
        .filter(a -> a.getId().equals(appId))
        .flatMap(a -> a.getTasksList().stream())
        .filter(Task::getRoutable)
        .forEach(
            t -> {
              if (t.getIpAddressesCount() > 0) {
                addresses.addAll(t.getIpAddressesList());
              } else if (!t.getEndpointsList().isEmpty()) {
                addresses.add(t.getEndpoints(0).getAddress());
              }
            });
    return addresses.stream().distinct().toList();
  }
}
