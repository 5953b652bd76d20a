package io.gatehouse.policy.api;

import static io.gatehouse.policy.Fixtures.staticPool;
import static io.gatehouse.policy.PolicyClients.code;
import static io.gatehouse.policy.PolicyClients.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.gatehouse.api.policy.v1.AbPool;
import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.policy.RunningPolicyService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

/** A pool's B pool takes a share of its traffic, one level deep. */
@MicronautTest
class AbPoolIT extends RunningPolicyService {

  @Test
  void aBPoolExistsAndHasNoBPoolOfItsOwn() throws Exception {
    create(staticPool("ab-b", "10.0.0.21:80"));
    create(withB(staticPool("ab-a", "10.0.0.20:80"), "ab-b", 10));

    BadRequest.FieldViolation chained =
        violation(() -> create(withB(staticPool("ab-c", "10.0.0.22:80"), "ab-a", 10)));
    assertThat(chained.getField()).isEqualTo("pool.ab_pool.pool_ref");
    assertThat(chained.getDescription()).contains("has a B pool of its own");

    BadRequest.FieldViolation missing =
        violation(() -> create(withB(staticPool("ab-d", "10.0.0.23:80"), "ab-none", 10)));
    assertThat(missing.getField()).isEqualTo("pool.ab_pool.pool_ref");

    BadRequest.FieldViolation ratio =
        violation(() -> create(withB(staticPool("ab-e", "10.0.0.24:80"), "ab-b", 101)));
    assertThat(ratio.getField()).isEqualTo("pool.ab_pool.ratio");
  }

  private static Pool withB(Pool pool, String b, int ratio) {
    return pool.toBuilder().setAbPool(AbPool.newBuilder().setPoolRef(b).setRatio(ratio)).build();
  }

  private BadRequest.FieldViolation violation(Runnable call) throws Exception {
    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(code(refused)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return details(refused).getDetails(0).unpack(BadRequest.class).getFieldViolations(0);
  }

  private void create(Pool pool) {
    clients.operator().createPool(CreatePoolRequest.newBuilder().setPool(pool).build());
  }
}
