package io.gatehouse.policy.watch;

import static io.gatehouse.policy.Fixtures.httpMonitor;
import static io.gatehouse.policy.Fixtures.staticPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.ErrorInfo;
import io.gatehouse.api.policy.v1.ChangeType;
import io.gatehouse.api.policy.v1.CreateHealthMonitorRequest;
import io.gatehouse.api.policy.v1.CreatePoolRequest;
import io.gatehouse.api.policy.v1.DeletePoolRequest;
import io.gatehouse.api.policy.v1.ListPoolsRequest;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.WatchRequest;
import io.gatehouse.api.policy.v1.WatchResponse;
import io.gatehouse.policy.PolicyClients;
import io.gatehouse.policy.RunningPolicyService;
import io.gatehouse.policy.WatchCollector;
import io.gatehouse.policy.store.ChangeLog;
import io.gatehouse.policy.store.Transactions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@MicronautTest
class WatchIT extends RunningPolicyService {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Inject Transactions transactions;
  @Inject ChangeLog changeLog;

  @Test
  void aResumedWatchMissesNothingAndSeesNothingTwice() {
    long start = currentRevision();
    WatchCollector first = watch(WatchRequest.newBuilder().setFromRevision(start).build());
    createPools("resume-", 0, 3);
    await().atMost(WAIT).until(() -> first.names().size() >= 3);
    first.cancel();
    long resumeFrom = first.revisions().get(2);

    createPools("resume-", 3, 6);
    WatchCollector second = watch(WatchRequest.newBuilder().setFromRevision(resumeFrom).build());
    await().atMost(WAIT).until(() -> second.names().size() >= 3);

    List<String> all = new ArrayList<>(first.names().subList(0, 3));
    all.addAll(second.names());
    assertThat(all)
        .containsExactly("resume-0", "resume-1", "resume-2", "resume-3", "resume-4", "resume-5");
    assertThat(second.revisions()).allSatisfy(r -> assertThat(r).isGreaterThan(resumeFrom));
    second.cancel();
  }

  @Test
  void anInitialSnapshotIsFollowedByTheChangesAfterIt() {
    clients
        .operator()
        .createHealthMonitor(
            CreateHealthMonitorRequest.newBuilder()
                .setHealthMonitor(httpMonitor("snap-hm", "/"))
                .build());
    WatchCollector watcher =
        watch(
            WatchRequest.newBuilder()
                .setInitialSnapshot(true)
                .addKinds(ObjectKind.OBJECT_KIND_HEALTH_MONITOR)
                .build());
    await()
        .atMost(WAIT)
        .until(() -> watcher.responses().stream().anyMatch(WatchResponse::getSnapshotComplete));
    assertThat(watcher.changes())
        .allSatisfy(c -> assertThat(c.getType()).isEqualTo(ChangeType.CHANGE_TYPE_EXISTING));
    assertThat(watcher.names()).contains("snap-hm");

    clients
        .operator()
        .createHealthMonitor(
            CreateHealthMonitorRequest.newBuilder()
                .setHealthMonitor(httpMonitor("snap-hm-2", "/"))
                .build());
    createPools("snap-ignored-", 0, 1); // another kind: filtered out

    await().atMost(WAIT).until(() -> watcher.names().contains("snap-hm-2"));
    assertThat(watcher.changes().get(watcher.changes().size() - 1).getType())
        .isEqualTo(ChangeType.CHANGE_TYPE_CREATED);
    assertThat(watcher.names()).noneMatch(n -> n.startsWith("snap-ignored-"));
    watcher.cancel();
  }

  @Test
  void deletionsCarryTheLastStateOfTheObject() {
    long start = currentRevision();
    createPools("gone-", 0, 1);
    clients.operator().deletePool(DeletePoolRequest.newBuilder().setName("gone-0").build());

    WatchCollector watcher = watch(WatchRequest.newBuilder().setFromRevision(start).build());

    await().atMost(WAIT).until(() -> watcher.changes().size() >= 2);
    assertThat(watcher.changes().get(1).getType()).isEqualTo(ChangeType.CHANGE_TYPE_DELETED);
    assertThat(
            watcher
                .changes()
                .get(1)
                .getObject()
                .getPool()
                .getStaticServers()
                .getServers(0)
                .getIpAddress())
        .isEqualTo("10.1.0.1");
    watcher.cancel();
  }

  @Test
  void aStalledWatcherHoldsBackNobodyAndLaterCatchesUpPastTheRing() {
    long start = currentRevision();
    WatchCollector stalled = WatchCollector.stalled();
    clients
        .async(PolicyClients.OPERATOR)
        .watch(WatchRequest.newBuilder().setFromRevision(start).build(), stalled);
    WatchCollector reading = watch(WatchRequest.newBuilder().setFromRevision(start).build());

    int count = 250; // the test ring holds 100 changes
    createPools("slow-", 0, count);

    await().atMost(WAIT).until(() -> reading.names().size() >= count);
    assertThat(stalled.responses()).isEmpty();

    stalled.request(Integer.MAX_VALUE);
    await().atMost(WAIT).until(() -> stalled.names().size() >= count);
    assertThat(stalled.names())
        .containsExactlyElementsOf(IntStream.range(0, count).mapToObj(i -> "slow-" + i).toList());
    assertThat(stalled.revisions()).isSorted().doesNotHaveDuplicates();
    stalled.cancel();
    reading.cancel();
  }

  @Test
  void aRevisionOlderThanTheRetainedHistoryIsOutOfRange() throws Exception {
    createPools("compact-", 0, 3);
    long compacted =
        transactions.write(c -> changeLog.compact(c, Instant.now().plusSeconds(3600), 1));

    WatchCollector watcher = watch(WatchRequest.newBuilder().setFromRevision(0).build());

    await().atMost(WAIT).until(() -> watcher.error() != null);
    StatusRuntimeException e = (StatusRuntimeException) watcher.error();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
    ErrorInfo info = StatusProto.fromThrowable(e).getDetails(0).unpack(ErrorInfo.class);
    assertThat(info.getReason()).isEqualTo("REVISION_COMPACTED");
    assertThat(info.getMetadataMap()).containsEntry("oldest_revision", Long.toString(compacted));
  }

  @Test
  void aFutureRevisionIsRejected() {
    WatchCollector watcher =
        watch(WatchRequest.newBuilder().setFromRevision(currentRevision() + 1000).build());

    await().atMost(WAIT).until(() -> watcher.error() != null);
    assertThat(Status.fromThrowable(watcher.error()).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void manyWatchersEachReceiveEveryChange() {
    long start = currentRevision();
    List<WatchCollector> watchers = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      watchers.add(watch(WatchRequest.newBuilder().setFromRevision(start).build()));
    }

    createPools("fan-", 0, 5);

    for (WatchCollector w : watchers) {
      await().atMost(WAIT).until(() -> w.names().size() >= 5);
      assertThat(w.names()).containsExactly("fan-0", "fan-1", "fan-2", "fan-3", "fan-4");
      w.cancel();
    }
  }

  private WatchCollector watch(WatchRequest request) {
    WatchCollector collector = WatchCollector.reading();
    clients.async(PolicyClients.OPERATOR).watch(request, collector);
    return collector;
  }

  private long currentRevision() {
    return clients
        .operator()
        .listPools(ListPoolsRequest.newBuilder().setPageSize(1).build())
        .getRevision();
  }

  private void createPools(String prefix, int from, int to) {
    for (int i = from; i < to; i++) {
      clients
          .operator()
          .createPool(
              CreatePoolRequest.newBuilder()
                  .setPool(staticPool(prefix + i, "10.1.0." + (i % 250 + 1) + ":80"))
                  .build());
    }
  }
}
