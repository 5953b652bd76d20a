package io.gatehouse.discovery.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.discovery.marathon.MarathonApp;
import io.gatehouse.discovery.marathon.NetworkMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppModelTest {
  private static MarathonApp app(String id, int instances) {
    return new MarathonApp(
        id,
        "v1",
        instances,
        NetworkMode.values()[0],
        List.of(),
        List.of(),
        Map.of(),
        List.of(),
        List.of());
  }

  @Test
  void sinceGivesExactlyTheNewerDeltasInOrderOrNullBeyondTheHistory() {
    AppModel model = new AppModel(3);
    for (int i = 1; i <= 5; i++) {
      model.upsert(app("/a", i), Instant.EPOCH);
    }
    assertThat(model.revision()).isEqualTo(5);

    assertThat(model.since(5)).isEmpty();
    assertThat(model.since(3)).extracting(AppModel.Delta::revision).containsExactly(4L, 5L);
    assertThat(model.since(2)).extracting(AppModel.Delta::revision).containsExactly(3L, 4L, 5L);
    assertThat(model.since(1)).isNull(); // revision 2 has left the history (3 deltas kept)
    assertThat(model.since(6)).isNull();
  }
}
