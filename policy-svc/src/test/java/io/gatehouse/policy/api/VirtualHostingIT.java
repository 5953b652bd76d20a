package io.gatehouse.policy.api;

import static io.gatehouse.policy.Fixtures.meta;
import static io.gatehouse.policy.Fixtures.northSouth;
import static io.gatehouse.policy.Fixtures.staticPool;
import static io.gatehouse.policy.PolicyClients.code;
import static io.gatehouse.policy.PolicyClients.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.CreateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.DeleteVirtualServiceRequest;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.UpdateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.policy.RunningPolicyService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Child virtual services share their parent's listeners, each host name and path held by one. */
@MicronautTest
class VirtualHostingIT extends RunningPolicyService {

  @BeforeAll
  void parentAndPools() {
    createPool(staticPool("vh-pool", "10.0.0.9:80"));
    create(northSouth("vh-front", "vh-pool", "10.20.0.1", 80));
  }

  @Test
  void childrenShareTheParentsListenerByHostAndPath() {
    VirtualService shop = create(child("vh-shop", "vh-front", "/", "shop.example.com"));
    create(child("vh-shop-api", "vh-front", "/api", "shop.example.com"));
    create(child("vh-wild", "vh-front", "", "*.example.com"));

    assertThat(shop.getVhDomainNamesList()).containsExactly("shop.example.com");
    assertThat(shop.hasVip()).isFalse();
  }

  @Test
  void aHostAndPathOnAParentIsServedByOneChildOnly() throws Exception {
    create(child("vh-blog", "vh-front", "", "blog.example.com"));

    BadRequest.FieldViolation violation =
        violation(() -> create(child("vh-thief", "vh-front", "", "blog.example.com")));

    assertThat(violation.getField()).isEqualTo("virtual_service.vh_domain_names");
    assertThat(violation.getDescription())
        .contains("blog.example.com")
        .contains("already served by virtual service \"vh-blog\"");
    // the same host on another parent, or under a path, is another claim
    create(child("vh-blog-admin", "vh-front", "/admin", "blog.example.com"));
  }

  @Test
  void aClaimIsFreedWhenItsChildGoesOrMoves() {
    VirtualService news = create(child("vh-news", "vh-front", "", "news.example.com"));
    operator()
        .updateVirtualService(
            UpdateVirtualServiceRequest.newBuilder()
                .setVirtualService(
                    news.toBuilder()
                        .clearVhDomainNames()
                        .addVhDomainNames("news2.example.com")
                        .build())
                .build());
    create(child("vh-news-next", "vh-front", "", "news.example.com"));

    operator()
        .deleteVirtualService(
            DeleteVirtualServiceRequest.newBuilder().setName("vh-news-next").build());
    create(child("vh-news-last", "vh-front", "", "news.example.com"));
  }

  @Test
  void aParentIsAnHttpServiceAndNoChildItself() throws Exception {
    create(
        northSouth("vh-tcp", "vh-pool", "10.20.0.2", 5432).toBuilder()
            .setServices(0, Service.newBuilder().setPort(5432).setProtocol(Protocol.PROTOCOL_TCP))
            .build());
    create(child("vh-first", "vh-front", "", "first.example.com"));

    assertThat(
            violation(() -> create(child("vh-x", "vh-tcp", "", "x.example.com"))).getDescription())
        .contains("no HTTP service");
    assertThat(
            violation(() -> create(child("vh-y", "vh-first", "", "y.example.com")))
                .getDescription())
        .contains("is itself a child service");
    assertThat(violation(() -> create(child("vh-z", "vh-none", "", "z.example.com"))).getField())
        .isEqualTo("virtual_service.vh_parent_vs_ref");
  }

  @Test
  void aParentKeepsItsHttpServiceWhileItHasChildren() throws Exception {
    VirtualService parent = create(northSouth("vh-busy", "vh-pool", "10.20.0.3", 80));
    create(child("vh-busy-child", "vh-busy", "", "busy.example.com"));

    BadRequest.FieldViolation violation =
        violation(
            () ->
                operator()
                    .updateVirtualService(
                        UpdateVirtualServiceRequest.newBuilder()
                            .setVirtualService(
                                parent.toBuilder()
                                    .setServices(
                                        0,
                                        Service.newBuilder()
                                            .setPort(80)
                                            .setProtocol(Protocol.PROTOCOL_TCP))
                                    .build())
                            .build()));

    assertThat(violation.getField()).isEqualTo("virtual_service.services");
    assertThat(violation.getDescription()).contains("vh-busy-child");
    StatusRuntimeException referenced =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                operator()
                    .deleteVirtualService(
                        DeleteVirtualServiceRequest.newBuilder().setName("vh-busy").build()));
    assertThat(code(referenced)).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  private static VirtualService child(
      String name, String parent, String pathPrefix, String... domains) {
    return VirtualService.newBuilder()
        .setMeta(meta(name))
        .setPoolRef("vh-pool")
        .setVhParentVsRef(parent)
        .setVhPathPrefix(pathPrefix)
        .addAllVhDomainNames(java.util.List.of(domains))
        .build();
  }

  private BadRequest.FieldViolation violation(Runnable call) throws Exception {
    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(code(refused)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return details(refused).getDetails(0).unpack(BadRequest.class).getFieldViolations(0);
  }

  private void createPool(Pool pool) {
    operator().createPool(CreatePoolRequest.newBuilder().setPool(pool).build());
  }

  private VirtualService create(VirtualService vs) {
    return operator()
        .createVirtualService(
            CreateVirtualServiceRequest.newBuilder().setVirtualService(vs).build());
  }

  private io.gatehouse.api.policy.v1.PolicyServiceGrpc.PolicyServiceBlockingStub operator() {
    return clients.operator();
  }
}
