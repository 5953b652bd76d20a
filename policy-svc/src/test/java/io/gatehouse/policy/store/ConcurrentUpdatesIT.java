package io.gatehouse.policy.store;

import static io.gatehouse.policy.Fixtures.staticPool;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.GetPoolRequest;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.UpdatePoolRequest;
import io.gatehouse.policy.RunningPolicyService;
import io.grpc.Status;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

@MicronautTest
class ConcurrentUpdatesIT extends RunningPolicyService {
  private static final int CLIENTS = 16;

  @Test
  void ofParallelUpdatesFromTheSameRevisionExactlyOneWins() throws Exception {
    Pool base =
        clients
            .operator()
            .createPool(
                CreatePoolRequest.newBuilder()
                    .setPool(staticPool("contended", "10.2.0.1:80"))
                    .build());

    List<Status.Code> codes =
        inParallel(
            i ->
                clients
                    .operator()
                    .updatePool(
                        UpdatePoolRequest.newBuilder()
                            .setPool(
                                base.toBuilder()
                                    .setMeta(
                                        base.getMeta().toBuilder().setDescription("writer " + i)))
                            .build()));

    assertThat(codes).filteredOn(c -> c == Status.Code.OK).hasSize(1);
    assertThat(codes).filteredOn(c -> c == Status.Code.ABORTED).hasSize(CLIENTS - 1);
    Pool after =
        clients.operator().getPool(GetPoolRequest.newBuilder().setName("contended").build());
    assertThat(after.getMeta().getRevision()).isGreaterThan(base.getMeta().getRevision());
    assertThat(after.getMeta().getDescription()).startsWith("writer ");
  }

  @Test
  void parallelCreatesOfOneNameYieldOneObject() throws Exception {
    List<Status.Code> codes =
        inParallel(
            i ->
                clients
                    .operator()
                    .createPool(
                        CreatePoolRequest.newBuilder()
                            .setPool(staticPool("raced", "10.2.0.2:80"))
                            .build()));

    assertThat(codes).filteredOn(c -> c == Status.Code.OK).hasSize(1);
    assertThat(codes).filteredOn(c -> c == Status.Code.ALREADY_EXISTS).hasSize(CLIENTS - 1);
  }

  /** Runs {@code call} from {@link #CLIENTS} threads released at once; returns each outcome. */
  private static List<Status.Code> inParallel(IntConsumer call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Status.Code>> outcomes = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        int client = i;
        outcomes.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    call.accept(client);
                    return Status.Code.OK;
                  } catch (RuntimeException e) {
                    return Status.fromThrowable(e).getCode();
                  }
                }));
      }
      start.countDown();
      List<Status.Code> codes = new ArrayList<>();
      for (Future<Status.Code> outcome : outcomes) {
        codes.add(outcome.get(30, TimeUnit.SECONDS));
      }
      return codes;
    } finally {
      pool.shutdownNow();
    }
  }
}
