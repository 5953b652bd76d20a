package io.gatehouse.policy.api;

import static io.gatehouse.policy.PolicyClients.code;
import static io.gatehouse.policy.PolicyClients.violatedFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gatehouse.api.policy.v1.CreateServiceEngineGroupRequest;
import io.gatehouse.api.policy.v1.DeleteServiceEngineGroupRequest;
import io.gatehouse.api.policy.v1.DeploymentMethod;
import io.gatehouse.api.policy.v1.FleetDeployment;
import io.gatehouse.api.policy.v1.GetRegistryCredentialsRequest;
import io.gatehouse.api.policy.v1.GetServiceEngineGroupRequest;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.api.policy.v1.ServiceEngineImage;
import io.gatehouse.api.policy.v1.UpdateServiceEngineGroupRequest;
import io.gatehouse.policy.PolicyClients;
import io.gatehouse.policy.RunningPolicyService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A service engine group's registry credentials: for a Marathon deployment's image only, encrypted
 * at rest, never returned, kept by an update that does not give them, removed on request, and
 * handed to se-manager-svc alone.
 */
@MicronautTest
class RegistryCredentialsIT extends RunningPolicyService {
  private static final String GROUP = "registry-group";
  private static final String SECRET = "puller:a-registry-secret";

  @AfterEach
  void deleteIt() {
    try {
      clients
          .operator()
          .deleteServiceEngineGroup(
              DeleteServiceEngineGroupRequest.newBuilder().setName(GROUP).build());
    } catch (StatusRuntimeException none) {
      // a test that made none
    }
  }

  @Test
  void credentialsAreEncryptedNeverReturnedKeptAndRemovedOnRequest() throws Exception {
    ServiceEngineGroup created =
        clients
            .operator()
            .createServiceEngineGroup(
                CreateServiceEngineGroupRequest.newBuilder()
                    .setServiceEngineGroup(group(image().setRegistryCredentials(SECRET)))
                    .build());
    assertThat(created.getImage().getRegistryCredentials()).isEmpty();
    assertThat(created.getImage().getRegistryCredentialsSet()).isTrue();
    try (Connection c = database.connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT body, secret FROM policy.objects WHERE kind = 7 AND name = '"
                        + GROUP
                        + "'")) {
      rs.next();
      assertThat(new String(rs.getBytes("body"), StandardCharsets.ISO_8859_1))
          .doesNotContain("a-registry-secret");
      assertThat(new String(rs.getBytes("secret"), StandardCharsets.ISO_8859_1))
          .doesNotContain("a-registry-secret");
    }

    // an update without them keeps them; se-manager-svc reads them, no one else
    ServiceEngineGroup updated =
        clients
            .operator()
            .updateServiceEngineGroup(
                UpdateServiceEngineGroupRequest.newBuilder()
                    .setServiceEngineGroup(
                        group(image().setDockerImage("registry.example:5000/gatehouse/se:2"))
                            .setMeta(meta().setRevision(created.getMeta().getRevision())))
                    .build());
    assertThat(updated.getImage().getRegistryCredentialsSet()).isTrue();
    assertThat(
            clients
                .secrets(PolicyClients.SE_MANAGER)
                .getRegistryCredentials(
                    GetRegistryCredentialsRequest.newBuilder().setName(GROUP).build())
                .getRegistryCredentials())
        .isEqualTo(SECRET);
    for (String token : List.of(PolicyClients.OPERATOR, PolicyClients.DISCOVERY)) {
      StatusRuntimeException denied =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  clients
                      .secrets(token)
                      .getRegistryCredentials(
                          GetRegistryCredentialsRequest.newBuilder().setName(GROUP).build()));
      assertThat(code(denied)).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    // another deployment method cannot keep them: refused until they are removed
    StatusRuntimeException fleet =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .operator()
                    .updateServiceEngineGroup(
                        UpdateServiceEngineGroupRequest.newBuilder()
                            .setServiceEngineGroup(
                                group(image())
                                    .setDeploymentMethod(DeploymentMethod.DEPLOYMENT_METHOD_FLEET)
                                    .setFleet(
                                        FleetDeployment.newBuilder()
                                            .setEndpoint("http://fleet.example:49153"))
                                    .setMeta(meta().setRevision(updated.getMeta().getRevision())))
                            .build()));
    assertThat(code(fleet)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violatedFields(fleet))
        .containsExactly("service_engine_group.image.registry_credentials");
    ServiceEngineGroup cleared =
        clients
            .operator()
            .updateServiceEngineGroup(
                UpdateServiceEngineGroupRequest.newBuilder()
                    .setServiceEngineGroup(
                        group(image().setClearRegistryCredentials(true))
                            .setMeta(meta().setRevision(updated.getMeta().getRevision())))
                    .build());
    assertThat(cleared.getImage().getRegistryCredentialsSet()).isFalse();
    assertThat(cleared.getImage().getClearRegistryCredentials()).isFalse(); // input only
    StatusRuntimeException none =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .secrets(PolicyClients.SE_MANAGER)
                    .getRegistryCredentials(
                        GetRegistryCredentialsRequest.newBuilder().setName(GROUP).build()));
    assertThat(code(none)).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            clients
                .operator()
                .getServiceEngineGroup(
                    GetServiceEngineGroupRequest.newBuilder().setName(GROUP).build())
                .getImage()
                .getRegistryCredentialsSet())
        .isFalse();
  }

  @Test
  void badCredentialsAreRefusedNamingTheFieldWithoutQuotingThem() throws Exception {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .operator()
                    .createServiceEngineGroup(
                        CreateServiceEngineGroupRequest.newBuilder()
                            .setServiceEngineGroup(
                                group(
                                    image()
                                        .setRegistryCredentials("no-colon-a-registry-secret\r\nX")
                                        .setClearRegistryCredentials(true)))
                            .build()));
    assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violatedFields(e))
        .contains(
            "service_engine_group.image.registry_credentials",
            "service_engine_group.image.clear_registry_credentials");
    assertThat(e.getMessage()).doesNotContain("a-registry-secret");

    // credentials with no image to pull
    StatusRuntimeException noImage =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .operator()
                    .createServiceEngineGroup(
                        CreateServiceEngineGroupRequest.newBuilder()
                            .setServiceEngineGroup(
                                group(
                                    ServiceEngineImage.newBuilder().setRegistryCredentials(SECRET)))
                            .build()));
    assertThat(violatedFields(noImage))
        .containsExactly("service_engine_group.image.registry_credentials");
  }

  private static ServiceEngineImage.Builder image() {
    return ServiceEngineImage.newBuilder().setDockerImage("registry.example:5000/gatehouse/se:1");
  }

  private static ServiceEngineGroup.Builder group(ServiceEngineImage.Builder image) {
    return ServiceEngineGroup.newBuilder()
        .setMeta(meta())
        .setDeploymentMethod(DeploymentMethod.DEPLOYMENT_METHOD_MARATHON)
        .setImage(image);
  }

  private static ObjectMeta.Builder meta() {
    return ObjectMeta.newBuilder().setName(GROUP);
  }
}
