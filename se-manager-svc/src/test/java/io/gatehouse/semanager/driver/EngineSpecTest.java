package io.gatehouse.semanager.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineSpecTest {
  private static final ServiceEngineGroup GROUP =
      ServiceEngineGroup.newBuilder().setMeta(ObjectMeta.newBuilder().setName("default")).build();

  @Test
  void everyValueIsOneShellWordAndSafeOnesStayAsTheyAre() {
    EngineSpec spec = new EngineSpec("default@agent-1", "S0", "agent-1", "10.0.0.5", GROUP);

    assertThat(
            spec.expand(
                "run --se-id={se_id} --hostname={hostname} --dir={work_dir}/{se_id}",
                ManagerAddress.plaintext("10.0.0.1:9103"),
                Map.of("work_dir", "/var/lib/a dir")))
        .isEqualTo(
            "run --se-id=default@agent-1 --hostname=agent-1 --dir='/var/lib/a dir'/default@agent-1");
  }

  @Test
  void theEngineIsToldHowToTrustTheManager() {
    EngineSpec spec = new EngineSpec("default@agent-1", "S0", "agent-1", "10.0.0.5", GROUP);

    assertThat(
            spec.expand(
                "run --control={manager} {control_tls}",
                ManagerAddress.trusting("10.0.0.1:9103", "/etc/gatehouse/tls dir/ca.pem"),
                Map.of()))
        .isEqualTo("run --control=10.0.0.1:9103 '--control-ca=/etc/gatehouse/tls dir/ca.pem'");
    assertThat(
            spec.expand("run {control_tls}", ManagerAddress.plaintext("10.0.0.1:9103"), Map.of()))
        .isEqualTo("run --control-plaintext");
  }

  @Test
  void aHostileNameCannotEndTheWordOrStartACommand() {
    EngineSpec spec =
        new EngineSpec("default@a;touch x", "$(id)", "a;touch x", "x'; rm -rf /; '", GROUP);

    assertThat(
            spec.expand(
                "run {hostname} {node} {address}", ManagerAddress.plaintext("m:1"), Map.of()))
        .isEqualTo("run 'a;touch x' '$(id)' 'x'\"'\"'; rm -rf /; '\"'\"''");
  }
}
