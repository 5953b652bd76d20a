package io.gatehouse.analytics.apps;

import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.Endpoint;
import io.gatehouse.api.discovery.v1.ListAppsRequest;
import io.gatehouse.api.discovery.v1.ListAppsResponse;
import io.gatehouse.api.discovery.v1.Task;
import io.gatehouse.common.Periodic;
import io.grpc.Channel;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Marathon app a client address belongs to, read from discovery-svc every refresh: the
 * addresses of every app's tasks (their own IP addresses, the addresses of their endpoints, their
 * host when it is an address). An address used by tasks of more than one app — several apps on one
 * agent with host networking — belongs to none: the map shows it as a client address rather than
 * guess.
 */
public final class TaskAddresses implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskAddresses.class);
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*");
  private static final int PAGE = 500;

  private final DiscoveryServiceGrpc.DiscoveryServiceBlockingStub discovery;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "task-addresses");
            t.setDaemon(true);
            return t;
          });
  private volatile Map<String, String> appByAddress = Map.of();

  public TaskAddresses(Channel discovery) {
    this.discovery = DiscoveryServiceGrpc.newBlockingStub(discovery);
  }

  /** Reads the addresses now and then every {@code refresh}. */
  public TaskAddresses start(Duration refresh) {
    executor.scheduleWithFixedDelay(
        Periodic.guarded(
            log, "reading task addresses from discovery-svc failed; tried again", this::refresh),
        0,
        refresh.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  /** The app whose tasks alone use {@code address}. */
  public Optional<String> appOf(String address) {
    return Optional.ofNullable(appByAddress.get(address));
  }

  /** Reads every app's task addresses from discovery-svc. */
  public void refresh() {
    Map<String, String> apps = new HashMap<>();
    Set<String> shared = new HashSet<>();
    String page = "";
    do {
      ListAppsResponse response =
          discovery
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .listApps(ListAppsRequest.newBuilder().setPageSize(PAGE).setPageToken(page).build());
      for (App app : response.getAppsList()) {
        for (Task task : app.getTasksList()) {
          Set<String> addresses = new HashSet<>(task.getIpAddressesList());
          for (Endpoint endpoint : task.getEndpointsList()) {
            addresses.add(endpoint.getAddress());
          }
          if (IP_LITERAL.matcher(task.getHost()).matches()) {
            addresses.add(task.getHost());
          }
          for (String address : addresses) {
            String before = apps.putIfAbsent(address, app.getId());
            if (before != null && !before.equals(app.getId())) {
              shared.add(address);
            }
          }
        }
      }
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    shared.forEach(apps::remove);
    apps.remove("");
    appByAddress = Map.copyOf(apps);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
