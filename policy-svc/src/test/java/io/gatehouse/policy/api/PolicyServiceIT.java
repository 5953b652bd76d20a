package io.gatehouse.policy.api;

import static io.gatehouse.policy.Fixtures.eastWest;
import static io.gatehouse.policy.Fixtures.httpMonitor;
import static io.gatehouse.policy.Fixtures.marathonMeta;
import static io.gatehouse.policy.Fixtures.marathonPool;
import static io.gatehouse.policy.Fixtures.meta;
import static io.gatehouse.policy.Fixtures.northSouth;
import static io.gatehouse.policy.Fixtures.staticPool;
import static io.gatehouse.policy.PolicyClients.code;
import static io.gatehouse.policy.PolicyClients.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.FieldMask;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.gatehouse.api.policy.v1.CreateHealthMonitorRequest;
import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.CreateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.DeletePoolRequest;
import io.gatehouse.api.policy.v1.DeleteServiceEngineGroupRequest;
import io.gatehouse.api.policy.v1.DeleteVirtualServiceRequest;
import io.gatehouse.api.policy.v1.GetPoolRequest;
import io.gatehouse.api.policy.v1.GetServiceEngineGroupRequest;
import io.gatehouse.api.policy.v1.GetVirtualServiceRequest;
import io.gatehouse.api.policy.v1.ListFilter;
import io.gatehouse.api.policy.v1.ListVirtualServicesRequest;
import io.gatehouse.api.policy.v1.ListVirtualServicesResponse;
import io.gatehouse.api.policy.v1.ObjectSource;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc.PolicyServiceBlockingStub;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.UpdatePoolRequest;
import io.gatehouse.api.policy.v1.UpdateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.Vip;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.policy.PolicyClients;
import io.gatehouse.policy.RunningPolicyService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@MicronautTest
class PolicyServiceIT extends RunningPolicyService {

  private PolicyServiceBlockingStub operator() {
    return clients.operator();
  }

  private Pool createPool(Pool pool) {
    return operator().createPool(CreatePoolRequest.newBuilder().setPool(pool).build());
  }

  private VirtualService createVirtualService(VirtualService virtualService) {
    return operator()
        .createVirtualService(
            CreateVirtualServiceRequest.newBuilder().setVirtualService(virtualService).build());
  }

  @Test
  void createsReadsUpdatesAndDeletesAVirtualServiceWithRevisions() {
    createPool(staticPool("crud-pool", "10.0.0.1:8080"));
    VirtualService created = createVirtualService(eastWest("crud-vs", "crud-pool", 10001));

    assertThat(created.getMeta().getRevision()).isPositive();
    assertThat(created.getMeta().getUid()).isNotEmpty();
    assertThat(created.getMeta().getSource().getKind()).isEqualTo(ObjectSource.Kind.KIND_API);
    assertThat(created.getMeta().hasCreateTime()).isTrue();
    assertThat(
            operator()
                .getVirtualService(
                    GetVirtualServiceRequest.newBuilder().setName("crud-vs").build()))
        .isEqualTo(created);

    VirtualService changed =
        operator()
            .updateVirtualService(
                UpdateVirtualServiceRequest.newBuilder()
                    .setVirtualService(
                        created.toBuilder()
                            .addServices(
                                Service.newBuilder()
                                    .setPort(10002)
                                    .setProtocol(Protocol.PROTOCOL_TCP)))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("services"))
                    .build());

    assertThat(changed.getMeta().getRevision()).isGreaterThan(created.getMeta().getRevision());
    assertThat(changed.getMeta().getUid()).isEqualTo(created.getMeta().getUid());
    assertThat(changed.getMeta().getCreateTime()).isEqualTo(created.getMeta().getCreateTime());
    assertThat(changed.getServicesList())
        .extracting(Service::getPort)
        .containsExactly(10001, 10002);

    operator()
        .deleteVirtualService(
            DeleteVirtualServiceRequest.newBuilder()
                .setName("crud-vs")
                .setExpectedRevision(changed.getMeta().getRevision())
                .build());
    StatusRuntimeException gone =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator()
                    .getVirtualService(
                        GetVirtualServiceRequest.newBuilder().setName("crud-vs").build()));
    assertThat(code(gone)).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void staleRevisionIsAbortedWithTheCurrentRevisionInTheDetails() throws Exception {
    Pool pool = createPool(staticPool("stale-pool", "10.0.0.2:80"));
    Pool newer =
        operator()
            .updatePool(
                UpdatePoolRequest.newBuilder()
                    .setPool(
                        pool.toBuilder().setMeta(pool.getMeta().toBuilder().setDescription("v2")))
                    .build());

    StatusRuntimeException stale =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator()
                    .updatePool(
                        UpdatePoolRequest.newBuilder()
                            .setPool(
                                pool.toBuilder()
                                    .setMeta(pool.getMeta().toBuilder().setDescription("v3")))
                            .build()));

    assertThat(code(stale)).isEqualTo(Status.Code.ABORTED);
    ErrorInfo info = details(stale).getDetails(0).unpack(ErrorInfo.class);
    assertThat(info.getReason()).isEqualTo("REVISION_MISMATCH");
    assertThat(info.getMetadataMap())
        .containsEntry("current_revision", Long.toString(newer.getMeta().getRevision()));
  }

  @Test
  void invalidInputNamesEveryBadField() throws Exception {
    VirtualService bad =
        VirtualService.newBuilder()
            .setMeta(meta("bad-vs"))
            .setVip(Vip.newBuilder().setIpAddress("10.0.0.300"))
            .addServices(Service.newBuilder().setPort(70000).setProtocol(Protocol.PROTOCOL_HTTP))
            .addServices(
                Service.newBuilder()
                    .setPort(443)
                    .setProtocol(Protocol.PROTOCOL_UDP)
                    .setEnableSsl(true))
            .build();

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> createVirtualService(bad));

    assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    BadRequest badRequest = details(e).getDetails(0).unpack(BadRequest.class);
    assertThat(badRequest.getFieldViolationsList())
        .extracting(BadRequest.FieldViolation::getField)
        .contains(
            "virtual_service.pool_ref",
            "virtual_service.vip.ip_address",
            "virtual_service.services[0].port",
            "virtual_service.services[1].enable_ssl");
  }

  @Test
  void referencesMustExistAndAReferencedObjectCannotBeDeleted() throws Exception {
    StatusRuntimeException missing =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> createVirtualService(eastWest("ref-vs", "no-such-pool", 10010)));
    assertThat(code(missing)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(
            details(missing)
                .getDetails(0)
                .unpack(BadRequest.class)
                .getFieldViolations(0)
                .getField())
        .isEqualTo("virtual_service.pool_ref");

    operator()
        .createHealthMonitor(
            CreateHealthMonitorRequest.newBuilder()
                .setHealthMonitor(httpMonitor("ref-hm", "/health"))
                .build());
    createPool(
        staticPool("ref-pool", "10.0.0.3:80").toBuilder().addHealthMonitorRefs("ref-hm").build());
    createVirtualService(eastWest("ref-vs", "ref-pool", 10010));

    StatusRuntimeException referenced =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator().deletePool(DeletePoolRequest.newBuilder().setName("ref-pool").build()));

    assertThat(code(referenced)).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(referenced.getStatus().getDescription()).contains("VirtualService \"ref-vs\"");
    PreconditionFailure failure =
        details(referenced).getDetails(0).unpack(PreconditionFailure.class);
    assertThat(failure.getViolations(0).getType()).isEqualTo("REFERENCED");
    assertThat(failure.getViolations(0).getSubject())
        .isEqualTo("gatehouse.policy.v1.VirtualService/ref-vs");
  }

  @Test
  void aVipPortIsUsedByOneVirtualServiceOnly() throws Exception {
    createPool(staticPool("vip-pool", "10.0.0.4:80"));
    createVirtualService(northSouth("vip-a", "vip-pool", "10.10.10.100", 80));

    StatusRuntimeException taken =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> createVirtualService(northSouth("vip-b", "vip-pool", "10.10.10.100", 80)));

    assertThat(code(taken)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    BadRequest.FieldViolation violation =
        details(taken).getDetails(0).unpack(BadRequest.class).getFieldViolations(0);
    assertThat(violation.getField()).isEqualTo("virtual_service.services[0].port");
    assertThat(violation.getDescription()).contains("10.10.10.100:80/HTTP").contains("vip-a");
    // the same VIP on another port is fine
    createVirtualService(northSouth("vip-b", "vip-pool", "10.10.10.100", 8080));
  }

  @Test
  void autoAllocatedVipsComeFromTheSubnetAndDiffer() {
    createPool(staticPool("auto-pool", "10.0.0.5:80"));
    List<String> vips = new ArrayList<>();
    for (String name : List.of("auto-a", "auto-b")) {
      VirtualService vs =
          northSouth(name, "auto-pool", "", 80).toBuilder()
              .setVip(Vip.newBuilder().setAutoAllocate(true).setSubnet("192.168.50.0/30"))
              .build();
      vips.add(createVirtualService(vs).getVip().getEffectiveAddress());
    }

    assertThat(vips).containsExactly("192.168.50.1", "192.168.50.2");
  }

  @Test
  void objectsFromMarathonAreReadOnlyToOperatorsAndApiObjectsToDiscovery() throws Exception {
    clients
        .as(PolicyClients.DISCOVERY)
        .createPool(
            CreatePoolRequest.newBuilder().setPool(marathonPool("app-pool", "/shop/web")).build());

    Pool fromMarathon = operator().getPool(GetPoolRequest.newBuilder().setName("app-pool").build());
    assertThat(fromMarathon.getMeta().getSource().getMarathonAppId()).isEqualTo("/shop/web");
    StatusRuntimeException readOnly =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator().deletePool(DeletePoolRequest.newBuilder().setName("app-pool").build()));
    assertThat(code(readOnly)).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(readOnly.getStatus().getDescription()).contains("/shop/web").contains("labels");
    assertThat(
            details(readOnly)
                .getDetails(0)
                .unpack(PreconditionFailure.class)
                .getViolations(0)
                .getType())
        .isEqualTo("MARATHON_OWNED");

    createPool(staticPool("api-pool", "10.0.0.6:80"));
    Pool apiPool =
        staticPool("api-pool", "10.0.0.7:80").toBuilder()
            .setMeta(marathonMeta("api-pool", "/x"))
            .build();
    StatusRuntimeException apiOwned =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .as(PolicyClients.DISCOVERY)
                    .updatePool(
                        UpdatePoolRequest.newBuilder()
                            .setPool(apiPool)
                            .setAllowMissing(true)
                            .build()));
    assertThat(code(apiOwned)).isEqualTo(Status.Code.FAILED_PRECONDITION);

    // one app's labels naming another app's object cannot take it over
    Pool hijack =
        marathonPool("app-pool", "/shop/thief").toBuilder()
            .setLbAlgorithm(io.gatehouse.api.policy.v1.LbAlgorithm.LB_ALGORITHM_CONSISTENT_HASH)
            .build();
    StatusRuntimeException otherApp =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .as(PolicyClients.DISCOVERY)
                    .updatePool(
                        UpdatePoolRequest.newBuilder()
                            .setPool(hijack)
                            .setAllowMissing(true)
                            .build()));
    assertThat(code(otherApp)).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(
            details(otherApp)
                .getDetails(0)
                .unpack(PreconditionFailure.class)
                .getViolations(0)
                .getType())
        .isEqualTo("OWNED_BY_ANOTHER_APP");
    assertThat(operator().getPool(GetPoolRequest.newBuilder().setName("app-pool").build()))
        .isEqualTo(fromMarathon);
  }

  @Test
  void callsWithoutAValidTokenAreUnauthenticatedAndSeManagerIsReadOnly() {
    StatusRuntimeException anonymous =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                io.gatehouse.api.policy.v1.PolicyServiceGrpc.newBlockingStub(clients.channel())
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getPool(GetPoolRequest.newBuilder().setName("x").build()));
    assertThat(code(anonymous)).isEqualTo(Status.Code.UNAUTHENTICATED);

    StatusRuntimeException wrong =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .as("not-a-valid-token-at-all")
                    .getPool(GetPoolRequest.newBuilder().setName("x").build()));
    assertThat(code(wrong)).isEqualTo(Status.Code.UNAUTHENTICATED);

    StatusRuntimeException readOnly =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .as(PolicyClients.SE_MANAGER)
                    .createPool(
                        CreatePoolRequest.newBuilder()
                            .setPool(staticPool("sem-pool", "10.0.0.8:80"))
                            .build()));
    assertThat(code(readOnly)).isEqualTo(Status.Code.PERMISSION_DENIED);

    // analytics-svc reads (autoscale policies and their pools) and writes nothing
    clients
        .as(PolicyClients.ANALYTICS)
        .listPools(io.gatehouse.api.policy.v1.ListPoolsRequest.getDefaultInstance());
    StatusRuntimeException analyticsWrite =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .as(PolicyClients.ANALYTICS)
                    .createPool(
                        CreatePoolRequest.newBuilder()
                            .setPool(staticPool("analytics-pool", "10.0.0.9:80"))
                            .build()));
    assertThat(code(analyticsWrite)).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void healthNeedsNoTokenAndReportsServingOnceTheChangeFeedIsConnected() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                HealthGrpc.newBlockingStub(clients.channel())
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(
                        HealthCheckRequest.newBuilder()
                            .setService("gatehouse.policy.v1.PolicyService")
                            .build())
                    .getStatus(),
            status -> status == HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void theDefaultServiceEngineGroupExistsAndCannotBeDeleted() {
    assertThat(
            operator()
                .getServiceEngineGroup(
                    GetServiceEngineGroupRequest.newBuilder().setName("default").build())
                .getMeta()
                .getName())
        .isEqualTo("default");
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator()
                    .deleteServiceEngineGroup(
                        DeleteServiceEngineGroupRequest.newBuilder().setName("default").build()));
    assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void listsInPagesWithFiltersAndAStableRevision() {
    createPool(staticPool("page-pool", "10.0.0.9:80"));
    createPool(staticPool("other-pool", "10.0.0.10:80"));
    for (int i = 0; i < 7; i++) {
      createVirtualService(
          eastWest("page-vs-" + i, i % 2 == 0 ? "page-pool" : "other-pool", 11000 + i));
    }

    List<String> names = new ArrayList<>();
    String token = "";
    long revision = -1;
    do {
      ListVirtualServicesResponse page =
          operator()
              .listVirtualServices(
                  ListVirtualServicesRequest.newBuilder()
                      .setPageSize(2)
                      .setPageToken(token)
                      .setFilter(ListFilter.newBuilder().setNamePrefix("page-vs-"))
                      .setPoolRef("page-pool")
                      .build());
      page.getVirtualServicesList().forEach(vs -> names.add(vs.getMeta().getName()));
      if (revision < 0) {
        revision = page.getRevision();
      }
      assertThat(page.getRevision()).isEqualTo(revision);
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    assertThat(names).containsExactly("page-vs-0", "page-vs-2", "page-vs-4", "page-vs-6");
    StatusRuntimeException otherFilter =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator()
                    .listVirtualServices(
                        ListVirtualServicesRequest.newBuilder()
                            .setPageSize(2)
                            .setPageToken(
                                operator()
                                    .listVirtualServices(
                                        ListVirtualServicesRequest.newBuilder()
                                            .setPageSize(1)
                                            .build())
                                    .getNextPageToken())
                            .setPoolRef("page-pool")
                            .build()));
    assertThat(code(otherFilter)).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }
}
