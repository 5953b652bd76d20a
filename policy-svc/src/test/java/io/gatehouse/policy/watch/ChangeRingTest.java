package io.gatehouse.policy.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.policy.v1.ChangeType;
import io.gatehouse.api.policy.v1.ObjectChange;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.policy.store.Change;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeRingTest {

  @Test
  void servesChangesAfterACursorInOrderAndSkipsDuplicates() {
    ChangeRing ring = new ChangeRing(10, 100);
    ring.append(change(101, ObjectKind.OBJECT_KIND_POOL));
    ring.append(change(103, ObjectKind.OBJECT_KIND_VIRTUAL_SERVICE)); // 102 rolled back: a gap
    ring.append(change(103, ObjectKind.OBJECT_KIND_VIRTUAL_SERVICE));

    ChangeRing.Slice slice = ring.after(100, Set.of(), 10);

    assertThat(slice.changes()).extracting(Change::revision).containsExactly(101L, 103L);
    assertThat(slice.reached()).isEqualTo(103);
  }

  @Test
  void filtersByKindButStillAdvancesTheCursor() {
    ChangeRing ring = new ChangeRing(10, 0);
    ring.append(change(1, ObjectKind.OBJECT_KIND_POOL));
    ring.append(change(2, ObjectKind.OBJECT_KIND_HEALTH_MONITOR));

    ChangeRing.Slice slice = ring.after(0, Set.of(ObjectKind.OBJECT_KIND_HEALTH_MONITOR), 10);

    assertThat(slice.changes()).extracting(Change::revision).containsExactly(2L);
    assertThat(ring.after(2, Set.of(ObjectKind.OBJECT_KIND_POOL), 10).reached()).isEqualTo(2);
  }

  @Test
  void aFullBatchStopsAtItsLastChange() {
    ChangeRing ring = new ChangeRing(10, 0);
    for (long r = 1; r <= 5; r++) {
      ring.append(change(r, ObjectKind.OBJECT_KIND_POOL));
    }

    ChangeRing.Slice slice = ring.after(0, Set.of(), 2);

    assertThat(slice.changes()).extracting(Change::revision).containsExactly(1L, 2L);
    assertThat(slice.reached()).isEqualTo(2);
  }

  @Test
  void aCursorBelowTheEvictedFloorMustReadTheDatabase() {
    ChangeRing ring = new ChangeRing(2, 0);
    for (long r = 1; r <= 4; r++) {
      ring.append(change(r, ObjectKind.OBJECT_KIND_POOL));
    }

    assertThat(ring.floor()).isEqualTo(2);
    assertThat(ring.after(1, Set.of(), 10)).isNull();
    assertThat(ring.after(2, Set.of(), 10).changes())
        .extracting(Change::revision)
        .containsExactly(3L, 4L);
  }

  private static Change change(long revision, ObjectKind kind) {
    return new Change(
        revision,
        kind,
        ObjectChange.newBuilder()
            .setRevision(revision)
            .setType(ChangeType.CHANGE_TYPE_CREATED)
            .build());
  }
}
