package io.gatehouse.discovery.policy;

import io.gatehouse.api.policy.v1.ListFilter;
import io.gatehouse.api.policy.v1.ListPoolsRequest;
import io.gatehouse.api.policy.v1.ListPoolsResponse;
import io.gatehouse.api.policy.v1.ListVirtualServicesRequest;
import io.gatehouse.api.policy.v1.ListVirtualServicesResponse;
import io.gatehouse.api.policy.v1.ObjectSource;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** What policy-svc holds that discovery-svc derived from Marathon apps, read page by page. */
final class AppObjects {
  private AppObjects() {}

  /** The names of {@code appId}'s virtual services. */
  static List<String> serviceNames(
      PolicyServiceGrpc.PolicyServiceBlockingStub policy, String appId) {
    return services(policy, appId).stream().map(v -> v.getMeta().getName()).toList();
  }

  /** The names of {@code appId}'s pools. */
  static List<String> poolNames(PolicyServiceGrpc.PolicyServiceBlockingStub policy, String appId) {
    return pools(policy, appId).stream().map(p -> p.getMeta().getName()).toList();
  }

  /** Every virtual service of {@code appId} ("" for every Marathon app). */
  static List<VirtualService> services(
      PolicyServiceGrpc.PolicyServiceBlockingStub policy, String appId) {
    return pages(
        token -> {
          ListVirtualServicesResponse page =
              policy.listVirtualServices(
                  ListVirtualServicesRequest.newBuilder()
                      .setFilter(filter(appId))
                      .setPageSize(1000)
                      .setPageToken(token)
                      .build());
          return new Page<>(page.getVirtualServicesList(), page.getNextPageToken());
        });
  }

  /** Every pool of {@code appId} ("" for every Marathon app). */
  static List<Pool> pools(PolicyServiceGrpc.PolicyServiceBlockingStub policy, String appId) {
    return pages(
        token -> {
          ListPoolsResponse page =
              policy.listPools(
                  ListPoolsRequest.newBuilder()
                      .setFilter(filter(appId))
                      .setPageSize(1000)
                      .setPageToken(token)
                      .build());
          return new Page<>(page.getPoolsList(), page.getNextPageToken());
        });
  }

  private record Page<T>(List<T> items, String next) {}

  private static <T> List<T> pages(Function<String, Page<T>> fetch) {
    List<T> all = new ArrayList<>();
    String token = "";
    do {
      Page<T> page = fetch.apply(token);
      all.addAll(page.items());
      token = page.next();
    } while (!token.isEmpty());
    return all;
  }

  private static ListFilter filter(String appId) {
    return ListFilter.newBuilder()
        .setSource(
            ObjectSource.newBuilder()
                .setKind(ObjectSource.Kind.KIND_MARATHON_APP)
                .setMarathonAppId(appId))
        .build();
  }
}
