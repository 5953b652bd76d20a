package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.policy.store.DatabaseException;
import io.grpc.Status;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class StatusMapperTest {
  private final StatusMapper mapper = new StatusMapper();

  @Test
  void connectionLossAndShutdownAreUnavailable() {
    for (String state : new String[] {"08006", "57P01", "53300"}) {
      Status status =
          mapper.toStatus(new DatabaseException(new SQLException("gone", state))).getStatus();
      assertThat(status.getCode()).as(state).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.getDescription()).doesNotContain("gone");
    }
  }

  @Test
  void unknownFailuresAreInternalWithoutTheirMessage() {
    Status status =
        mapper
            .toStatus(new DatabaseException(new SQLException("syntax error at SELECT", "42601")))
            .getStatus();

    assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getDescription())
        .startsWith("internal error (incident ")
        .doesNotContain("SELECT");
  }
}
