package io.gatehouse.policy.api;

import static io.gatehouse.policy.PolicyClients.code;
import static io.gatehouse.policy.PolicyClients.violatedFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gatehouse.api.policy.v1.AppRefusal;
import io.gatehouse.api.policy.v1.Cloud;
import io.gatehouse.api.policy.v1.CloudStatus;
import io.gatehouse.api.policy.v1.CreateCloudRequest;
import io.gatehouse.api.policy.v1.DeleteCloudRequest;
import io.gatehouse.api.policy.v1.GetCloudCredentialsRequest;
import io.gatehouse.api.policy.v1.GetCloudCredentialsResponse;
import io.gatehouse.api.policy.v1.GetCloudRequest;
import io.gatehouse.api.policy.v1.ListCloudsRequest;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.RefusedApp;
import io.gatehouse.api.policy.v1.ReportCloudStatusRequest;
import io.gatehouse.api.policy.v1.UpdateCloudRequest;
import io.gatehouse.policy.PolicyClients;
import io.gatehouse.policy.RunningPolicyService;
import io.gatehouse.policy.store.CloudStatuses;
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
 * The cloud settings: one object, "default", with Marathon's and the Mesos master's URLs and
 * Marathon's credentials; the credentials encrypted at rest, never returned, kept across an update
 * that does not give them, and handed to discovery-svc alone; discovery-svc's report of how it
 * fares with them shown beside them.
 */
@MicronautTest
class CloudIT extends RunningPolicyService {
  private static final String SECRET = "ops:a-very-secret-pass";

  @AfterEach
  void deleteIt() {
    try {
      clients.operator().deleteCloud(DeleteCloudRequest.newBuilder().setName("default").build());
    } catch (StatusRuntimeException none) {
      // a test that made none
    }
  }

  @Test
  void credentialsAreEncryptedNeverReturnedAndKeptAcrossAnUpdate() throws Exception {
    Cloud created =
        clients
            .operator()
            .createCloud(
                CreateCloudRequest.newBuilder()
                    .setCloud(cloud("http://marathon.example:8080").setMarathonCredentials(SECRET))
                    .build());
    assertThat(created.getMarathonCredentials()).isEmpty();
    assertThat(created.getCredentialsSet()).isTrue();
    Cloud read =
        clients.operator().getCloud(GetCloudRequest.newBuilder().setName("default").build());
    assertThat(read.getMarathonCredentials()).isEmpty();
    assertThat(read.getMesosUrl()).isEqualTo("http://master.example:5050");
    try (Connection c = database.connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT body, secret FROM policy.objects WHERE kind = 9")) {
      rs.next();
      assertThat(new String(rs.getBytes("body"), StandardCharsets.ISO_8859_1))
          .doesNotContain("a-very-secret-pass");
      assertThat(new String(rs.getBytes("secret"), StandardCharsets.ISO_8859_1))
          .doesNotContain("a-very-secret-pass");
    }

    // a new URL without credentials keeps them; discovery-svc reads them, no one else
    clients
        .operator()
        .updateCloud(
            UpdateCloudRequest.newBuilder()
                .setCloud(
                    cloud("https://other.example/service/marathon")
                        .setMeta(meta().setRevision(created.getMeta().getRevision())))
                .build());
    GetCloudCredentialsResponse credentials =
        clients
            .secrets(PolicyClients.DISCOVERY)
            .getCloudCredentials(
                GetCloudCredentialsRequest.newBuilder().setName("default").build());
    assertThat(credentials.getMarathonCredentials()).isEqualTo(SECRET);
    assertThat(credentials.getMarathonToken()).isEmpty();
    for (String token : List.of(PolicyClients.OPERATOR, PolicyClients.SE_MANAGER)) {
      StatusRuntimeException denied =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  clients
                      .secrets(token)
                      .getCloudCredentials(
                          GetCloudCredentialsRequest.newBuilder().setName("default").build()));
      assertThat(code(denied)).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
  }

  @Test
  void whatIsNotACloudIsRefusedNamingTheFieldWithoutQuotingTheSecret() throws Exception {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .operator()
                    .createCloud(
                        CreateCloudRequest.newBuilder()
                            .setCloud(
                                Cloud.newBuilder()
                                    .setMeta(ObjectMeta.newBuilder().setName("other"))
                                    .addMarathonUrls("file:///etc/passwd")
                                    .setMesosUrl("http://user:pw@master:5050")
                                    .setMarathonCredentials("no-colon-a-very-secret-pass")
                                    .setMarathonToken("a\r\ninjected")
                                    .setServicePortMin(70000)
                                    .setServicePortMax(10))
                            .build()));
    assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(violatedFields(e))
        .contains(
            "cloud.meta.name",
            "cloud.marathon_urls[0]",
            "cloud.mesos_url",
            "cloud.marathon_credentials",
            "cloud.marathon_token",
            "cloud.service_port_min",
            "cloud.service_port_max");
    assertThat(e.getMessage()).doesNotContain("a-very-secret-pass");

    // several masters: at most five, none twice
    StatusRuntimeException masters =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .operator()
                    .createCloud(
                        CreateCloudRequest.newBuilder()
                            .setCloud(
                                cloud("http://m1.example:8080")
                                    .addMarathonUrls("http://m1.example:8080/")
                                    .addAllMarathonUrls(
                                        List.of(
                                            "http://m2.example:8080",
                                            "http://m3.example:8080",
                                            "http://m4.example:8080",
                                            "http://m5.example:8080")))
                            .build()));
    assertThat(violatedFields(masters))
        .containsExactlyInAnyOrder("cloud.marathon_urls", "cloud.marathon_urls[1]");

    // discovery-svc seeds the settings when there are none, as an operator would; it can then
    // neither change them nor delete them
    Cloud seeded =
        clients
            .as(PolicyClients.DISCOVERY)
            .createCloud(
                CreateCloudRequest.newBuilder()
                    .setCloud(cloud("http://marathon.example:8080"))
                    .build());
    assertThat(seeded.getMeta().getSource().getKind())
        .isEqualTo(io.gatehouse.api.policy.v1.ObjectSource.Kind.KIND_API);
    StatusRuntimeException changed =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .as(PolicyClients.DISCOVERY)
                    .updateCloud(
                        UpdateCloudRequest.newBuilder()
                            .setCloud(
                                cloud("http://elsewhere.example:8080")
                                    .setMeta(meta().setRevision(seeded.getMeta().getRevision())))
                            .build()));
    assertThat(code(changed)).isEqualTo(Status.Code.PERMISSION_DENIED);
    StatusRuntimeException deleted =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .as(PolicyClients.DISCOVERY)
                    .deleteCloud(DeleteCloudRequest.newBuilder().setName("default").build()));
    assertThat(code(deleted)).isIn(Status.Code.PERMISSION_DENIED, Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void discoveryReportsTheStatusBesideTheObjectWithoutMovingItsRevision() {
    Cloud created =
        clients
            .operator()
            .createCloud(
                CreateCloudRequest.newBuilder()
                    .setCloud(cloud("http://marathon.example:8080"))
                    .build());
    assertThat(created.hasStatus()).isFalse();
    long revision = created.getMeta().getRevision();
    clients
        .as(PolicyClients.DISCOVERY)
        .reportCloudStatus(
            report(
                CloudStatus.newBuilder()
                    .setState(CloudStatus.State.STATE_FAILING)
                    .setMessage("Marathon at http://marathon.example:8080 is unreachable")
                    .setAppliedRevision(revision)));
    Cloud read =
        clients.operator().getCloud(GetCloudRequest.newBuilder().setName("default").build());
    assertThat(read.getMeta().getRevision()).isEqualTo(revision);
    assertThat(read.getStatus().getState()).isEqualTo(CloudStatus.State.STATE_FAILING);
    assertThat(read.getStatus().getMessage()).contains("unreachable");
    assertThat(read.getStatus().getAppliedRevision()).isEqualTo(revision);
    assertThat(read.getStatus().getReportTime().getSeconds()).isPositive();
    assertThat(
            clients
                .operator()
                .listClouds(ListCloudsRequest.getDefaultInstance())
                .getClouds(0)
                .getStatus()
                .getState())
        .isEqualTo(CloudStatus.State.STATE_FAILING);

    // a status given with an update is output only: the reported one stays
    Cloud updated =
        clients
            .operator()
            .updateCloud(
                UpdateCloudRequest.newBuilder()
                    .setCloud(
                        cloud("http://marathon.example:8081")
                            .setMeta(meta().setRevision(revision))
                            .setStatus(
                                CloudStatus.newBuilder().setState(CloudStatus.State.STATE_SYNCED)))
                    .build());
    assertThat(updated.getStatus().getState()).isEqualTo(CloudStatus.State.STATE_FAILING);

    // only discovery-svc reports; a bad report names its field; no cloud, no status
    StatusRuntimeException denied =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .operator()
                    .reportCloudStatus(
                        report(CloudStatus.newBuilder().setState(CloudStatus.State.STATE_SYNCED))));
    assertThat(code(denied)).isEqualTo(Status.Code.PERMISSION_DENIED);
    StatusRuntimeException bad =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .as(PolicyClients.DISCOVERY)
                    .reportCloudStatus(
                        report(CloudStatus.newBuilder().setMessage("x".repeat(1025)))));
    assertThat(code(bad)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(bad.getMessage()).contains("status.state", "status.message");
    clients.operator().deleteCloud(DeleteCloudRequest.newBuilder().setName("default").build());
    StatusRuntimeException gone =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                clients
                    .as(PolicyClients.DISCOVERY)
                    .reportCloudStatus(
                        report(CloudStatus.newBuilder().setState(CloudStatus.State.STATE_SYNCED))));
    assertThat(code(gone)).isEqualTo(Status.Code.NOT_FOUND);
    Cloud again =
        clients
            .operator()
            .createCloud(
                CreateCloudRequest.newBuilder()
                    .setCloud(cloud("http://marathon.example:8080"))
                    .build());
    assertThat(again.hasStatus()).as("a deleted cloud's status goes with it").isFalse();
  }

  @Test
  void theRefusedAppsOfAReportAreKeptAndAHostileListIsRefusedNamingTheField() {
    Cloud created =
        clients
            .operator()
            .createCloud(
                CreateCloudRequest.newBuilder()
                    .setCloud(cloud("http://marathon.example:8080"))
                    .build());
    RefusedApp refused =
        RefusedApp.newBuilder()
            .setMarathonFramework("default")
            .setAppId("/second")
            .addRefusals(
                AppRefusal.newBuilder()
                    .setLabel("avi_proxy")
                    .setField("virtualservice second")
                    .setCode("VIP_CONFLICT")
                    .setMessage("10.9.9.9:80 is held by /first"))
            .build();
    CloudStatus.Builder status =
        CloudStatus.newBuilder()
            .setState(CloudStatus.State.STATE_SYNCED)
            .setAppliedRevision(created.getMeta().getRevision())
            .addRefusedApps(refused)
            .setRefusedAppCount(1);
    clients.as(PolicyClients.DISCOVERY).reportCloudStatus(report(status));
    Cloud read =
        clients.operator().getCloud(GetCloudRequest.newBuilder().setName("default").build());
    assertThat(read.getStatus().getRefusedAppsList()).containsExactly(refused);
    assertThat(read.getStatus().getRefusedAppCount()).isEqualTo(1);

    CloudStatus.Builder tooMany = status.clone().clearRefusedApps().setRefusedAppCount(1001);
    for (int i = 0; i <= CloudStatuses.MAX_REFUSED_APPS; i++) {
      tooMany.addRefusedApps(refused.toBuilder().setAppId("/app-" + i));
    }
    assertThat(refusedReport(tooMany)).contains("status.refused_apps", "at most 1000");
    CloudStatus.Builder hostile =
        status
            .clone()
            .clearRefusedApps()
            .addRefusedApps(refused.toBuilder().setAppId("/" + "a".repeat(600)))
            .addRefusedApps(refused.toBuilder().clearRefusals())
            .addRefusedApps(
                refused.toBuilder().setRefusals(0, refused.getRefusals(0).toBuilder().setCode("")))
            .setRefusedAppCount(2);
    assertThat(refusedReport(hostile))
        .contains(
            "status.refused_apps[0].app_id",
            "status.refused_apps[1].refusals",
            "status.refused_apps[2].refusals[0].code",
            "status.refused_app_count");
    // nothing of a refused report is kept
    assertThat(
            clients
                .operator()
                .getCloud(GetCloudRequest.newBuilder().setName("default").build())
                .getStatus()
                .getRefusedAppsList())
        .containsExactly(refused);
  }

  private String refusedReport(CloudStatus.Builder status) {
    StatusRuntimeException refused =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> clients.as(PolicyClients.DISCOVERY).reportCloudStatus(report(status)));
    assertThat(code(refused)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return refused.getMessage();
  }

  private static ReportCloudStatusRequest report(CloudStatus.Builder status) {
    return ReportCloudStatusRequest.newBuilder().setName("default").setStatus(status).build();
  }

  private static Cloud.Builder cloud(String marathonUrl) {
    return Cloud.newBuilder()
        .setMeta(meta())
        .addMarathonUrls(marathonUrl)
        .setMesosUrl("http://master.example:5050");
  }

  private static ObjectMeta.Builder meta() {
    return ObjectMeta.newBuilder().setName("default");
  }
}
