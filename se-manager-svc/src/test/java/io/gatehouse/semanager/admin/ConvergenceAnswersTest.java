package io.gatehouse.semanager.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.semanager.v1.EngineVersion;
import io.gatehouse.api.semanager.v1.GetConvergenceResponse;
import io.gatehouse.api.semanager.v1.UnansweredReplica;
import io.gatehouse.api.semanager.v1.VirtualServiceConvergence;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvergenceAnswersTest {
  @Test
  void eachVirtualServiceHasTheEnginesOfEveryReplicaAndConvergesOnlyWhereItDoesOnEach() {
    GetConvergenceResponse a =
        answer(
            "a:9103",
            vs("api", "v2", true, "se-1"),
            vs("web", "w1", true, "se-1"),
            vs("db", "d1", true, "se-1"));
    GetConvergenceResponse b =
        answer(
            "b:9103",
            vs("api", "v2", true, "se-2"),
            vs("web", "w1", false, "se-2"),
            vs("db", "d2", true, "se-2", "se-1")); // se-1 moved to b while they answered
    GetConvergenceResponse c =
        GetConvergenceResponse.newBuilder()
            .addUnansweredReplicas(UnansweredReplica.newBuilder().setAddress("10.0.0.3:9103"))
            .build();

    GetConvergenceResponse merged = ConvergenceAnswers.merge(List.of(a, b, c));

    assertThat(merged.getReplicasList()).containsExactly("a:9103", "b:9103");
    assertThat(merged.getUnansweredReplicasList())
        .extracting(UnansweredReplica::getAddress)
        .containsExactly("10.0.0.3:9103");
    assertThat(merged.getVirtualServicesList())
        .extracting(VirtualServiceConvergence::getName)
        .containsExactly("api", "db", "web");
    VirtualServiceConvergence api = merged.getVirtualServices(0);
    assertThat(api.getConverged()).isTrue();
    assertThat(api.getEnginesList())
        .extracting(EngineVersion::getSeId)
        .containsExactly("se-1", "se-2");
    VirtualServiceConvergence db = merged.getVirtualServices(1);
    assertThat(db.getConverged()).as("two desired versions").isFalse();
    assertThat(db.getEnginesList())
        .extracting(EngineVersion::getSeId)
        .containsExactly("se-1", "se-2");
    assertThat(merged.getVirtualServices(2).getConverged()).as("not converged on b").isFalse();
  }

  @Test
  void oneAnswerIsItself() {
    GetConvergenceResponse a = answer("a:9103", vs("api", "v1", false, "se-1"));
    assertThat(ConvergenceAnswers.merge(List.of(a))).isEqualTo(a);
  }

  private static GetConvergenceResponse answer(String replica, VirtualServiceConvergence... vss) {
    return GetConvergenceResponse.newBuilder()
        .addReplicas(replica)
        .addAllVirtualServices(List.of(vss))
        .build();
  }

  private static VirtualServiceConvergence vs(
      String name, String version, boolean converged, String... engines) {
    VirtualServiceConvergence.Builder vs =
        VirtualServiceConvergence.newBuilder()
            .setName(name)
            .setDesiredVersion(version)
            .setConverged(converged);
    for (String engine : engines) {
      vs.addEngines(EngineVersion.newBuilder().setSeId(engine).setAppliedVersion(version));
    }
    return vs.build();
  }
}
