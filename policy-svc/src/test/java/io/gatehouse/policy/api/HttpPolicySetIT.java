package io.gatehouse.policy.api;

import static io.gatehouse.policy.Fixtures.eastWest;
import static io.gatehouse.policy.Fixtures.meta;
import static io.gatehouse.policy.Fixtures.staticPool;
import static io.gatehouse.policy.PolicyClients.code;
import static io.gatehouse.policy.PolicyClients.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import com.google.rpc.PreconditionFailure;
import io.gatehouse.api.policy.v1.CreateHttpPolicySetRequest;
import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.CreateVirtualServiceRequest;
import io.gatehouse.api.policy.v1.DeleteHttpPolicySetRequest;
import io.gatehouse.api.policy.v1.DeletePoolRequest;
import io.gatehouse.api.policy.v1.GetHttpPolicySetRequest;
import io.gatehouse.api.policy.v1.HeaderAction;
import io.gatehouse.api.policy.v1.HeaderOperation;
import io.gatehouse.api.policy.v1.HttpAction;
import io.gatehouse.api.policy.v1.HttpDeny;
import io.gatehouse.api.policy.v1.HttpMatch;
import io.gatehouse.api.policy.v1.HttpPolicySet;
import io.gatehouse.api.policy.v1.HttpRedirect;
import io.gatehouse.api.policy.v1.HttpRule;
import io.gatehouse.api.policy.v1.MatchOperator;
import io.gatehouse.api.policy.v1.NamedMatch;
import io.gatehouse.api.policy.v1.Protocol;
import io.gatehouse.api.policy.v1.Service;
import io.gatehouse.api.policy.v1.StringMatch;
import io.gatehouse.api.policy.v1.VirtualService;
import io.gatehouse.policy.RunningPolicyService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HTTP policy sets: validated field by field, referred to by virtual services, kept referable. */
@MicronautTest
class HttpPolicySetIT extends RunningPolicyService {

  @Test
  void aValidSetIsStoredAndReferencesItsPools() {
    create(staticPool("hp-canary", "10.0.1.1:80"));
    HttpPolicySet set =
        set(
            "hp-valid",
            rule(1, pathPrefix("/beta"), HttpAction.newBuilder().setPoolRef("hp-canary")),
            rule(
                2,
                HttpMatch.newBuilder()
                    .addHeaders(
                        NamedMatch.newBuilder()
                            .setName("X-Debug")
                            .setValue(
                                StringMatch.newBuilder()
                                    .setOperator(MatchOperator.MATCH_OPERATOR_PRESENT)))
                    .build(),
                HttpAction.newBuilder().setDeny(HttpDeny.getDefaultInstance())));
    clients
        .operator()
        .createHttpPolicySet(CreateHttpPolicySetRequest.newBuilder().setHttpPolicySet(set).build());

    assertThat(
            clients
                .operator()
                .getHttpPolicySet(GetHttpPolicySetRequest.newBuilder().setName("hp-valid").build())
                .getRulesList())
        .hasSize(2);
    StatusRuntimeException inUse =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .operator()
                    .deletePool(DeletePoolRequest.newBuilder().setName("hp-canary").build()));
    assertThat(code(inUse)).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void everyBadFieldIsNamed() throws Exception {
    HttpPolicySet bad =
        set(
            "hp-bad",
            rule(
                1,
                HttpMatch.newBuilder()
                    .setPath(
                        StringMatch.newBuilder()
                            .setOperator(MatchOperator.MATCH_OPERATOR_REGEX)
                            .addValues("(unclosed"))
                    .addMethods("GE T")
                    .build(),
                HttpAction.newBuilder()
                    .setRedirect(HttpRedirect.newBuilder().setStatus(200))
                    .addRequestHeaders(
                        header(
                            HeaderOperation.HEADER_OPERATION_ADD, "Transfer-Encoding", "chunked"))
                    .addResponseHeaders(
                        header(
                            HeaderOperation.HEADER_OPERATION_ADD,
                            "X-Note",
                            "a\r\nSet-Cookie: x=1"))),
            rule(
                1,
                HttpMatch.getDefaultInstance(),
                HttpAction.newBuilder().setPoolRef("hp-no-such-pool")));

    List<BadRequest.FieldViolation> violations = violations(() -> createSet(bad));
    assertThat(violations)
        .extracting(BadRequest.FieldViolation::getField)
        .contains(
            "http_policy_set.rules[0].match.path.values[0]",
            "http_policy_set.rules[0].match.methods[0]",
            "http_policy_set.rules[0].action.redirect.status",
            "http_policy_set.rules[0].action.request_headers[0].name",
            "http_policy_set.rules[0].action.response_headers[0].value",
            "http_policy_set.rules[1].index");
    assertThat(violations.get(0).getDescription()).contains("RE2");

    List<BadRequest.FieldViolation> missingPool =
        violations(
            () ->
                createSet(
                    set(
                        "hp-missing",
                        rule(
                            1,
                            HttpMatch.getDefaultInstance(),
                            HttpAction.newBuilder().setPoolRef("hp-no-such-pool")))));
    assertThat(missingPool)
        .extracting(BadRequest.FieldViolation::getField)
        .containsExactly("http_policy_set.rules[0].action.pool_ref");
  }

  @Test
  void aVirtualServiceRefersToSetsThatExistAndKeepsThem() throws Exception {
    create(staticPool("hp-web", "10.0.1.2:80"));
    createSet(
        set(
            "hp-edge",
            rule(
                1,
                pathPrefix("/old"),
                HttpAction.newBuilder().setDeny(HttpDeny.getDefaultInstance()))));

    List<BadRequest.FieldViolation> unknown =
        violations(() -> createVs(withSets(eastWest("hp-vs-x", "hp-web", 10401), "hp-none")));
    assertThat(unknown)
        .extracting(BadRequest.FieldViolation::getField)
        .containsExactly("virtual_service.http_policy_set_refs");

    VirtualService tcp =
        withSets(eastWest("hp-vs-tcp", "hp-web", 10402), "hp-edge").toBuilder()
            .setServices(0, Service.newBuilder().setPort(10402).setProtocol(Protocol.PROTOCOL_TCP))
            .build();
    assertThat(violations(() -> createVs(tcp)).get(0).getDescription()).contains("no HTTP service");

    createVs(withSets(eastWest("hp-vs", "hp-web", 10403), "hp-edge"));
    StatusRuntimeException referenced =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .operator()
                    .deleteHttpPolicySet(
                        DeleteHttpPolicySetRequest.newBuilder().setName("hp-edge").build()));
    assertThat(code(referenced)).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(
            details(referenced)
                .getDetails(0)
                .unpack(PreconditionFailure.class)
                .getViolations(0)
                .getType())
        .isEqualTo("REFERENCED");
  }

  static HttpPolicySet set(String name, HttpRule... rules) {
    return HttpPolicySet.newBuilder().setMeta(meta(name)).addAllRules(List.of(rules)).build();
  }

  static HttpRule rule(int index, HttpMatch match, HttpAction.Builder action) {
    return HttpRule.newBuilder().setIndex(index).setMatch(match).setAction(action).build();
  }

  static HttpMatch pathPrefix(String prefix) {
    return HttpMatch.newBuilder()
        .setPath(
            StringMatch.newBuilder()
                .setOperator(MatchOperator.MATCH_OPERATOR_PREFIX)
                .addValues(prefix))
        .build();
  }

  private static HeaderAction header(HeaderOperation operation, String name, String value) {
    return HeaderAction.newBuilder().setOperation(operation).setName(name).setValue(value).build();
  }

  private static VirtualService withSets(VirtualService vs, String... sets) {
    return vs.toBuilder().addAllHttpPolicySetRefs(List.of(sets)).build();
  }

  private List<BadRequest.FieldViolation> violations(Runnable call) throws Exception {
    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(code(refused)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return details(refused).getDetails(0).unpack(BadRequest.class).getFieldViolationsList();
  }

  private void createSet(HttpPolicySet set) {
    clients
        .operator()
        .createHttpPolicySet(CreateHttpPolicySetRequest.newBuilder().setHttpPolicySet(set).build());
  }

  private void createVs(VirtualService vs) {
    clients
        .operator()
        .createVirtualService(
            CreateVirtualServiceRequest.newBuilder().setVirtualService(vs).build());
  }

  private void create(io.gatehouse.api.policy.v1.Pool pool) {
    clients.operator().createPool(CreatePoolRequest.newBuilder().setPool(pool).build());
  }
}
