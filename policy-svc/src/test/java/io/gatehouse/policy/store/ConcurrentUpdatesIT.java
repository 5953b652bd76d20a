package io.gatehouse.policy.store;

import static io.gatehouse.policy.Fixtures.staticPool;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.GetPoolRequest;
import io.gatehouse.api.policy.v1.Pool;
import io.gatehouse.api.policy.v1.UpdatePoolRequest;
import io.gatehouse.policy.PolicyClients;
import io.gatehouse.testsupport.TestPostgres;
import io.grpc.Status;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentUpdatesIT implements TestPropertyProvider {
  private static final int CLIENTS = 16;

  @Inject GrpcEmbeddedServer server;
  private PolicyClients clients;

  @Override
  public Map<String, String> getProperties() {
    return TestPostgres.freshDatabase().micronautProperties();
  }

  @BeforeAll
  void connect() {
    clients = new PolicyClients(server.getPort());
  }

  @AfterAll
  void disconnect() {
    clients.close();
  }

  @Test
  void ofParallelUpdatesFromTheSameRevisionExactlyOneWins() throws Exception {
    Pool base =
        clients
            .operator()
            .createPool(
                CreatePoolRequest.newBuilder()
                    .setPool(staticPool("contended", "10.2.0.1:80"))
                    .build());
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Status.Code>> outcomes = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      String description = "writer " + i;
      outcomes.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  clients
                      .operator()
                      .updatePool(
                          UpdatePoolRequest.newBuilder()
                              .setPool(
                                  base.toBuilder()
                                      .setMeta(
                                          base.getMeta().toBuilder().setDescription(description)))
                              .build());
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
    pool.shutdownNow();

    assertThat(codes).filteredOn(c -> c == Status.Code.OK).hasSize(1);
    assertThat(codes).filteredOn(c -> c == Status.Code.ABORTED).hasSize(CLIENTS - 1);
    Pool after =
        clients.operator().getPool(GetPoolRequest.newBuilder().setName("contended").build());
    assertThat(after.getMeta().getRevision()).isGreaterThan(base.getMeta().getRevision());
    assertThat(after.getMeta().getDescription()).startsWith("writer ");
  }

  @Test
  void parallelCreatesOfOneNameYieldOneObject() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Status.Code>> outcomes = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      outcomes.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  clients
                      .operator()
                      .createPool(
                          CreatePoolRequest.newBuilder()
                              .setPool(staticPool("raced", "10.2.0.2:80"))
                              .build());
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
    pool.shutdownNow();

    assertThat(codes).filteredOn(c -> c == Status.Code.OK).hasSize(1);
    assertThat(codes).filteredOn(c -> c == Status.Code.ALREADY_EXISTS).hasSize(CLIENTS - 1);
  }
}
