package io.gatehouse.semanager.compile;

import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.Endpoint;
import io.gatehouse.api.discovery.v1.Task;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Marathon apps the compiler reads, as followed from discovery-svc: keyed by framework ("" for
 * the default Marathon) and app id. A view made from the one before it with {@link #next} knows
 * which apps changed since that one, so that what depends on the others is not looked at again.
 *
 * @param apps the apps by {@link #key}
 * @param lineage where this view comes from
 */
public record AppView(Map<String, App> apps, Lineage lineage) {
  /** A routable task's address and port for one of an app's ports, and its agent's host name. */
  public record Member(String taskId, String address, int port, String nodeId, String host) {}

  /**
   * The identity of a view, and what changed since the view it was made from.
   *
   * @param id this view's number, unique in this process
   * @param base the number of the view it was made from; 0 when none is known
   * @param changed the keys of the apps added, changed or removed since that view
   */
  public record Lineage(long id, long base, Set<String> changed) {}

  private static final AtomicLong IDS = new AtomicLong();

  public AppView {
    apps = Map.copyOf(apps);
  }

  /** The view of {@code apps}, each under its framework and id, with no known predecessor. */
  public static AppView of(Collection<App> apps) {
    return new AppView(byKey(apps), new Lineage(IDS.incrementAndGet(), 0, Set.of()));
  }

  /** The view of {@code apps}, made from this one: {@code changed} are the keys that changed. */
  public AppView next(Collection<App> apps, Set<String> changed) {
    return new AppView(
        byKey(apps), new Lineage(IDS.incrementAndGet(), lineage.id(), Set.copyOf(changed)));
  }

  /**
   * The keys of the apps that differ between {@code earlier} and this view: none when it is this
   * view, what changed when this view was made from it; null when that is not known.
   */
  public Set<String> changedSince(AppView earlier) {
    if (earlier == this) {
      return Set.of();
    }
    return lineage.base() == earlier.lineage().id() ? lineage.changed() : null;
  }

  private static Map<String, App> byKey(Collection<App> apps) {
    Map<String, App> byKey = new java.util.HashMap<>();
    apps.forEach(a -> byKey.put(key(a.getMarathonFramework(), a.getId()), a));
    return byKey;
  }

  /** An app's key: its framework ("" for the default Marathon, also named "default") and id. */
  public static String key(String framework, String appId) {
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
