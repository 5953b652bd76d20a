package io.gatehouse.policy.api;

import com.google.protobuf.Empty;
import io.gatehouse.api.policy.v1.AutoscalePolicy;
import io.gatehouse.api.policy.v1.Cloud;
import io.gatehouse.api.policy.v1.CreateAutoscalePolicyRequest;
import io.gatehouse.api.policy.v1.CreateCloudRequest;
import io.gatehouse.api.policy.v1.CreateHealthMonitorRequest;
import io.gatehouse.api.policy.v1.CreateHttpPolicySetRequest;
import io.gatehouse.api.policy.v1.CreateNetworkSecurityPolicyRequest;
import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.CreateServiceEngineGroupRequest;
import io.gatehouse.api.policy.v1.CreateSslKeyAndCertificateRequest;
import io.gatehouse.api.policy.v1.CreateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.DeleteAutoscalePolicyRequest;
import io.gatehouse.api.policy.v1.DeleteCloudRequest;
import io.gatehouse.api.policy.v1.DeleteHealthMonitorRequest;
import io.gatehouse.api.policy.v1.DeleteHttpPolicySetRequest;
import io.gatehouse.api.policy.v1.DeleteNetworkSecurityPolicyRequest;
import io.gatehouse.api.policy.v1.DeletePoolRequest;
import io.gatehouse.api.policy.v1.DeleteServiceEngineGroupRequest;
import io.gatehouse.api.policy.v1.DeleteSslKeyAndCertificateRequest;
import io.gatehouse.api.policy.v1.DeleteVirtualServiceRequest;
import io.gatehouse.api.policy.v1.GetAutoscalePolicyRequest;
import io.gatehouse.api.policy.v1.GetCloudRequest;
import io.gatehouse.api.policy.v1.GetHealthMonitorRequest;
import io.gatehouse.api.policy.v1.GetHttpPolicySetRequest;
import io.gatehouse.api.policy.v1.GetNetworkSecurityPolicyRequest;
import io.gatehouse.api.policy.v1.GetPoolRequest;
import io.gatehouse.api.policy.v1.GetServiceEngineGroupRequest;
import io.gatehouse.api.policy.v1.GetSslKeyAndCertificateRequest;
import io.gatehouse.api.policy.v1.GetVirtualServiceRequest;
import io.gatehouse.api.policy.v1.HealthMonitor;
import io.gatehouse.api.policy.v1.HttpPolicySet;
import io.gatehouse.api.policy.v1.ListAutoscalePoliciesRequest;
import io.gatehouse.api.policy.v1.ListAutoscalePoliciesResponse;
import io.gatehouse.api.policy.v1.ListCloudsRequest;
import io.gatehouse.api.policy.v1.ListCloudsResponse;
import io.gatehouse.api.policy.v1.ListHealthMonitorsRequest;
import io.gatehouse.api.policy.v1.ListHealthMonitorsResponse;
import io.gatehouse.api.policy.v1.ListHttpPolicySetsRequest;
import io.gatehouse.api.policy.v1.ListHttpPolicySetsResponse;
import io.gatehouse.api.policy.v1.ListNetworkSecurityPoliciesRequest;
import io.gatehouse.api.policy.v1.ListNetworkSecurityPoliciesResponse;
import io.gatehouse.api.policy.v1.ListPoolsRequest;
import io.gatehouse.api.policy.v1.ListPoolsResponse;
import io.gatehouse.api.policy.v1.ListServiceEngineGroupsRequest;
import io.gatehouse.api.policy.v1.ListServiceEngineGroupsResponse;
import io.gatehouse.api.policy.v1.ListSslKeyAndCertificatesRequest;
import io.gatehouse.api.policy.v1.ListSslKeyAndCertificatesResponse;
import io.gatehouse.api.policy.v1.ListVirtualServicesRequest;
import io.gatehouse.api.policy.v1.ListVirtualServicesResponse;
import io.gatehouse.api.policy.v1.NetworkSecurityPolicy;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.ReportCloudStatusRequest;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.api.policy.v1.SslKeyAndCertificate;
import io.gatehouse.api.policy.v1.UpdateAutoscalePolicyRequest;
import io.gatehouse.api.policy.v1.UpdateCloudRequest;
import io.gatehouse.api.policy.v1.UpdateHealthMonitorRequest;
import io.gatehouse.api.policy.v1.UpdateHttpPolicySetRequest;
import io.gatehouse.api.policy.v1.UpdateNetworkSecurityPolicyRequest;
import io.gatehouse.api.policy.v1.UpdatePoolRequest;
import io.gatehouse.api.policy.v1.UpdateServiceEngineGroupRequest;
import io.gatehouse.api.policy.v1.UpdateSslKeyAndCertificateRequest;
import io.gatehouse.api.policy.v1.UpdateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.api.policy.v1.WatchRequest;
import io.gatehouse.api.policy.v1.WatchResponse;
import io.gatehouse.policy.auth.Role;
import io.gatehouse.policy.internal.PermissionDeniedException;
import io.gatehouse.policy.objects.PolicyKinds;
import io.gatehouse.policy.store.CloudStatuses;
import io.gatehouse.policy.store.PolicyStore;
import io.gatehouse.policy.store.PolicyStore.Page;
import io.gatehouse.policy.watch.WatchService;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.function.Supplier;

/**
 * PolicyService over gRPC: each method maps its request onto {@link PolicyStore} or {@link
 * WatchService} and its result back. Failures propagate to the status interceptor.
 */
@Singleton
final class PolicyGrpcService extends PolicyServiceGrpc.PolicyServiceImplBase {
  private final PolicyStore store;
  private final PolicyKinds kinds;
  private final WatchService watches;
  private final CloudStatuses cloudStatuses;

  PolicyGrpcService(
      PolicyStore store, PolicyKinds kinds, WatchService watches, CloudStatuses cloudStatuses) {
    this.store = store;
    this.kinds = kinds;
    this.watches = watches;
    this.cloudStatuses = cloudStatuses;
  }

  // Virtual services

  @Override
  public void createVirtualService(
      CreateVirtualServiceRequest r, StreamObserver<VirtualService> out) {
    reply(out, () -> store.create(kinds.virtualServices(), r.getVirtualService(), role()));
  }

  @Override
  public void getVirtualService(GetVirtualServiceRequest r, StreamObserver<VirtualService> out) {
    reply(out, () -> store.get(kinds.virtualServices(), r.getName()));
  }

  @Override
  public void listVirtualServices(
      ListVirtualServicesRequest r, StreamObserver<ListVirtualServicesResponse> out) {
    Page<VirtualService> page =
        store.list(
            kinds.virtualServices(),
            r.getFilter(),
            r.getPoolRef(),
            r.getPageSize(),
            r.getPageToken());
    reply(
        out,
        () ->
            ListVirtualServicesResponse.newBuilder()
                .addAllVirtualServices(page.items())
                .setNextPageToken(page.nextPageToken())
                .setRevision(page.revision())
                .build());
  }

  @Override
  public void updateVirtualService(
      UpdateVirtualServiceRequest r, StreamObserver<VirtualService> out) {
    reply(
        out,
        () ->
            store.update(
                kinds.virtualServices(),
                r.getVirtualService(),
                r.getUpdateMask(),
                r.getAllowMissing(),
                role()));
  }

  @Override
  public void deleteVirtualService(DeleteVirtualServiceRequest r, StreamObserver<Empty> out) {
    empty(
        out,
        () -> store.delete(kinds.virtualServices(), r.getName(), r.getExpectedRevision(), role()));
  }

  // Pools

  @Override
  public void createPool(CreatePoolRequest r, StreamObserver<Pool> out) {
    reply(out, () -> store.create(kinds.pools(), r.getPool(), role()));
  }

  @Override
  public void getPool(GetPoolRequest r, StreamObserver<Pool> out) {
    reply(out, () -> store.get(kinds.pools(), r.getName()));
  }

  @Override
  public void listPools(ListPoolsRequest r, StreamObserver<ListPoolsResponse> out) {
    Page<Pool> page =
        store.list(kinds.pools(), r.getFilter(), "", r.getPageSize(), r.getPageToken());
    reply(
        out,
        () ->
            ListPoolsResponse.newBuilder()
                .addAllPools(page.items())
                .setNextPageToken(page.nextPageToken())
                .setRevision(page.revision())
                .build());
  }

  @Override
  public void updatePool(UpdatePoolRequest r, StreamObserver<Pool> out) {
    reply(
        out,
        () ->
            store.update(
                kinds.pools(), r.getPool(), r.getUpdateMask(), r.getAllowMissing(), role()));
  }

  @Override
  public void deletePool(DeletePoolRequest r, StreamObserver<Empty> out) {
    empty(out, () -> store.delete(kinds.pools(), r.getName(), r.getExpectedRevision(), role()));
  }

  // Health monitors

  @Override
  public void createHealthMonitor(CreateHealthMonitorRequest r, StreamObserver<HealthMonitor> out) {
    reply(out, () -> store.create(kinds.healthMonitors(), r.getHealthMonitor(), role()));
  }

  @Override
  public void getHealthMonitor(GetHealthMonitorRequest r, StreamObserver<HealthMonitor> out) {
    reply(out, () -> store.get(kinds.healthMonitors(), r.getName()));
  }

  @Override
  public void listHealthMonitors(
      ListHealthMonitorsRequest r, StreamObserver<ListHealthMonitorsResponse> out) {
    Page<HealthMonitor> page =
        store.list(kinds.healthMonitors(), r.getFilter(), "", r.getPageSize(), r.getPageToken());
    reply(
        out,
        () ->
            ListHealthMonitorsResponse.newBuilder()
                .addAllHealthMonitors(page.items())
                .setNextPageToken(page.nextPageToken())
                .setRevision(page.revision())
                .build());
  }

  @Override
  public void updateHealthMonitor(UpdateHealthMonitorRequest r, StreamObserver<HealthMonitor> out) {
    reply(
        out,
        () ->
            store.update(
                kinds.healthMonitors(),
                r.getHealthMonitor(),
                r.getUpdateMask(),
                r.getAllowMissing(),
                role()));
  }

  @Override
  public void deleteHealthMonitor(DeleteHealthMonitorRequest r, StreamObserver<Empty> out) {
    empty(
        out,
        () -> store.delete(kinds.healthMonitors(), r.getName(), r.getExpectedRevision(), role()));
  }

  // Network security policies

  @Override
  public void createNetworkSecurityPolicy(
      CreateNetworkSecurityPolicyRequest r, StreamObserver<NetworkSecurityPolicy> out) {
    reply(
        out,
        () -> store.create(kinds.networkSecurityPolicies(), r.getNetworkSecurityPolicy(), role()));
  }

  @Override
  public void getNetworkSecurityPolicy(
      GetNetworkSecurityPolicyRequest r, StreamObserver<NetworkSecurityPolicy> out) {
    reply(out, () -> store.get(kinds.networkSecurityPolicies(), r.getName()));
  }

  @Override
  public void listNetworkSecurityPolicies(
      ListNetworkSecurityPoliciesRequest r,
      StreamObserver<ListNetworkSecurityPoliciesResponse> out) {
    Page<NetworkSecurityPolicy> page =
        store.list(
            kinds.networkSecurityPolicies(), r.getFilter(), "", r.getPageSize(), r.getPageToken());
    reply(
        out,
        () ->
            ListNetworkSecurityPoliciesResponse.newBuilder()
                .addAllNetworkSecurityPolicies(page.items())
                .setNextPageToken(page.nextPageToken())
                .setRevision(page.revision())
                .build());
  }

  @Override
  public void updateNetworkSecurityPolicy(
      UpdateNetworkSecurityPolicyRequest r, StreamObserver<NetworkSecurityPolicy> out) {
    reply(
        out,
        () ->
            store.update(
                kinds.networkSecurityPolicies(),
                r.getNetworkSecurityPolicy(),
                r.getUpdateMask(),
                r.getAllowMissing(),
                role()));
  }

  @Override
  public void deleteNetworkSecurityPolicy(
      DeleteNetworkSecurityPolicyRequest r, StreamObserver<Empty> out) {
    empty(
        out,
        () ->
            store.delete(
                kinds.networkSecurityPolicies(), r.getName(), r.getExpectedRevision(), role()));
  }

  // Certificates

  @Override
  public void createSslKeyAndCertificate(
      CreateSslKeyAndCertificateRequest r, StreamObserver<SslKeyAndCertificate> out) {
    reply(out, () -> store.create(kinds.certificates(), r.getSslKeyAndCertificate(), role()));
  }

  @Override
  public void getSslKeyAndCertificate(
      GetSslKeyAndCertificateRequest r, StreamObserver<SslKeyAndCertificate> out) {
    reply(out, () -> store.get(kinds.certificates(), r.getName()));
  }

  @Override
  public void listSslKeyAndCertificates(
      ListSslKeyAndCertificatesRequest r, StreamObserver<ListSslKeyAndCertificatesResponse> out) {
    Page<SslKeyAndCertificate> page =
        store.list(kinds.certificates(), r.getFilter(), "", r.getPageSize(), r.getPageToken());
    reply(
        out,
        () ->
            ListSslKeyAndCertificatesResponse.newBuilder()
                .addAllSslKeyAndCertificates(page.items())
                .setNextPageToken(page.nextPageToken())
                .setRevision(page.revision())
                .build());
  }

  @Override
  public void updateSslKeyAndCertificate(
      UpdateSslKeyAndCertificateRequest r, StreamObserver<SslKeyAndCertificate> out) {
    reply(
        out,
        () ->
            store.update(
                kinds.certificates(),
                r.getSslKeyAndCertificate(),
                r.getUpdateMask(),
                r.getAllowMissing(),
                role()));
  }

  @Override
  public void deleteSslKeyAndCertificate(
      DeleteSslKeyAndCertificateRequest r, StreamObserver<Empty> out) {
    empty(
        out,
        () -> store.delete(kinds.certificates(), r.getName(), r.getExpectedRevision(), role()));
  }

  // The cloud settings

  @Override
  public void createCloud(CreateCloudRequest r, StreamObserver<Cloud> out) {
    // discovery-svc seeds the cloud settings from its startup configuration when there are none:
    // created as an operator would, they are the operators' to change from then on (discovery-svc
    // can neither change nor delete them)
    Role role = role() == Role.DISCOVERY ? Role.OPERATOR : role();
    reply(out, () -> cloudStatuses.withStatus(store.create(kinds.clouds(), r.getCloud(), role)));
  }

  @Override
  public void getCloud(GetCloudRequest r, StreamObserver<Cloud> out) {
    reply(out, () -> cloudStatuses.withStatus(store.get(kinds.clouds(), r.getName())));
  }

  @Override
  public void listClouds(ListCloudsRequest r, StreamObserver<ListCloudsResponse> out) {
    Page<Cloud> page =
        store.list(kinds.clouds(), r.getFilter(), "", r.getPageSize(), r.getPageToken());
    reply(
        out,
        () ->
            ListCloudsResponse.newBuilder()
                .addAllClouds(cloudStatuses.withStatus(page.items()))
                .setNextPageToken(page.nextPageToken())
                .setRevision(page.revision())
                .build());
  }

  @Override
  public void updateCloud(UpdateCloudRequest r, StreamObserver<Cloud> out) {
    reply(
        out,
        () ->
            cloudStatuses.withStatus(
                store.update(
                    kinds.clouds(), r.getCloud(), r.getUpdateMask(), r.getAllowMissing(), role())));
  }

  @Override
  public void deleteCloud(DeleteCloudRequest r, StreamObserver<Empty> out) {
    empty(out, () -> store.delete(kinds.clouds(), r.getName(), r.getExpectedRevision(), role()));
  }

  @Override
  public void reportCloudStatus(ReportCloudStatusRequest r, StreamObserver<Empty> out) {
    empty(
        out,
        () -> {
          if (role() != Role.DISCOVERY) {
            throw new PermissionDeniedException("only discovery-svc reports the cloud status");
          }
          cloudStatuses.report(r.getName(), r.getStatus());
        });
  }

  // Autoscale policies

  @Override
  public void createAutoscalePolicy(
      CreateAutoscalePolicyRequest r, StreamObserver<AutoscalePolicy> out) {
    reply(out, () -> store.create(kinds.autoscalePolicies(), r.getAutoscalePolicy(), role()));
  }

  @Override
  public void getAutoscalePolicy(GetAutoscalePolicyRequest r, StreamObserver<AutoscalePolicy> out) {
    reply(out, () -> store.get(kinds.autoscalePolicies(), r.getName()));
  }

  @Override
  public void listAutoscalePolicies(
      ListAutoscalePoliciesRequest r, StreamObserver<ListAutoscalePoliciesResponse> out) {
    Page<AutoscalePolicy> page =
        store.list(kinds.autoscalePolicies(), r.getFilter(), "", r.getPageSize(), r.getPageToken());
    reply(
        out,
        () ->
            ListAutoscalePoliciesResponse.newBuilder()
                .addAllAutoscalePolicies(page.items())
                .setNextPageToken(page.nextPageToken())
                .setRevision(page.revision())
                .build());
  }

  @Override
  public void updateAutoscalePolicy(
      UpdateAutoscalePolicyRequest r, StreamObserver<AutoscalePolicy> out) {
    reply(
        out,
        () ->
            store.update(
                kinds.autoscalePolicies(),
                r.getAutoscalePolicy(),
                r.getUpdateMask(),
                r.getAllowMissing(),
                role()));
  }

  @Override
  public void deleteAutoscalePolicy(DeleteAutoscalePolicyRequest r, StreamObserver<Empty> out) {
    empty(
        out,
        () ->
            store.delete(kinds.autoscalePolicies(), r.getName(), r.getExpectedRevision(), role()));
  }

  // Service engine groups

  @Override
  public void createServiceEngineGroup(
      CreateServiceEngineGroupRequest r, StreamObserver<ServiceEngineGroup> out) {
    reply(out, () -> store.create(kinds.serviceEngineGroups(), r.getServiceEngineGroup(), role()));
  }

  @Override
  public void getServiceEngineGroup(
      GetServiceEngineGroupRequest r, StreamObserver<ServiceEngineGroup> out) {
    reply(out, () -> store.get(kinds.serviceEngineGroups(), r.getName()));
  }

  @Override
  public void listServiceEngineGroups(
      ListServiceEngineGroupsRequest r, StreamObserver<ListServiceEngineGroupsResponse> out) {
    Page<ServiceEngineGroup> page =
        store.list(
            kinds.serviceEngineGroups(), r.getFilter(), "", r.getPageSize(), r.getPageToken());
    reply(
        out,
        () ->
            ListServiceEngineGroupsResponse.newBuilder()
                .addAllServiceEngineGroups(page.items())
                .setNextPageToken(page.nextPageToken())
                .setRevision(page.revision())
                .build());
  }

  @Override
  public void updateServiceEngineGroup(
      UpdateServiceEngineGroupRequest r, StreamObserver<ServiceEngineGroup> out) {
    reply(
        out,
        () ->
            store.update(
                kinds.serviceEngineGroups(),
                r.getServiceEngineGroup(),
                r.getUpdateMask(),
                r.getAllowMissing(),
                role()));
  }

  @Override
  public void deleteServiceEngineGroup(
      DeleteServiceEngineGroupRequest r, StreamObserver<Empty> out) {
    empty(
        out,
        () ->
            store.delete(
                kinds.serviceEngineGroups(), r.getName(), r.getExpectedRevision(), role()));
  }

  // HTTP policy sets

  @Override
  public void createHttpPolicySet(CreateHttpPolicySetRequest r, StreamObserver<HttpPolicySet> out) {
    reply(out, () -> store.create(kinds.httpPolicySets(), r.getHttpPolicySet(), role()));
  }

  @Override
  public void getHttpPolicySet(GetHttpPolicySetRequest r, StreamObserver<HttpPolicySet> out) {
    reply(out, () -> store.get(kinds.httpPolicySets(), r.getName()));
  }

  @Override
  public void listHttpPolicySets(
      ListHttpPolicySetsRequest r, StreamObserver<ListHttpPolicySetsResponse> out) {
    Page<HttpPolicySet> page =
        store.list(kinds.httpPolicySets(), r.getFilter(), "", r.getPageSize(), r.getPageToken());
    reply(
        out,
        () ->
            ListHttpPolicySetsResponse.newBuilder()
                .addAllHttpPolicySets(page.items())
                .setNextPageToken(page.nextPageToken())
                .setRevision(page.revision())
                .build());
  }

  @Override
  public void updateHttpPolicySet(UpdateHttpPolicySetRequest r, StreamObserver<HttpPolicySet> out) {
    reply(
        out,
        () ->
            store.update(
                kinds.httpPolicySets(),
                r.getHttpPolicySet(),
                r.getUpdateMask(),
                r.getAllowMissing(),
                role()));
  }

  @Override
  public void deleteHttpPolicySet(DeleteHttpPolicySetRequest r, StreamObserver<Empty> out) {
    empty(
        out,
        () -> store.delete(kinds.httpPolicySets(), r.getName(), r.getExpectedRevision(), role()));
  }

  // Changes

  @Override
  public void watch(WatchRequest r, StreamObserver<WatchResponse> out) {
    watches.watch(r, (ServerCallStreamObserver<WatchResponse>) out);
  }

  private static Role role() {
    return Role.current();
  }

  private static <T> void reply(StreamObserver<T> out, Supplier<T> call) {
    out.onNext(call.get());
    out.onCompleted();
  }

  /** Runs {@code call} and answers Empty: deletes, and reports. */
  private static void empty(StreamObserver<Empty> out, Runnable call) {
    call.run();
    out.onNext(Empty.getDefaultInstance());
    out.onCompleted();
  }
}
