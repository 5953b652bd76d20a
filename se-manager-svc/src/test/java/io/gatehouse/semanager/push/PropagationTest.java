package io.gatehouse.semanager.push;

import static io.gatehouse.semanager.push.PushFixtures.pool;
import static io.gatehouse.semanager.push.PushFixtures.service;
import static io.gatehouse.semanager.push.PushFixtures.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.semanager.v1.Ack;
import io.gatehouse.api.semanager.v1.Nack;
import io.gatehouse.semanager.push.PushFixtures.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How long a change takes from its Marathon event to each engine's answer and to every one's. */
class PropagationTest {
  private static final class TestClock extends java.time.Clock {
    java.time.Instant now = java.time.Instant.parse("2026-11-21T10:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }

  @Test
  void theTimeFromAMarathonEventToEachEngineAndToEveryEngineIsReported() {
    TestClock clock = new TestClock();
    ConfigPush push = new ConfigPush(clock);
    List<java.time.Duration> perEngine = new ArrayList<>();
    List<java.time.Duration> all = new ArrayList<>();
    push.onPropagation(
        new PropagationListener() {
          @Override
          public void engineDone(java.time.Duration sinceCause) {
            perEngine.add(sinceCause);
          }

          @Override
          public void allDone(java.time.Duration sinceCause) {
            all.add(sinceCause);
          }
        });
    push.publish(set(List.of(pool("web", 31001, 31002)), List.of(service("web", 10080))));
    Recorder one = new Recorder();
    Recorder two = new Recorder();
    push.connect("se-1", one);
    push.connect("se-2", two);
    one.take();
    two.take();

    // a task fails at 10:00:00; the change is published 10 ms later
    java.time.Instant event = clock.now;
    clock.now = event.plusMillis(10);
    push.publish(info -> set(List.of(pool("web", 31001)), List.of(service("web", 10080))), event);
    String nonceOne = one.take().get(0).getNonce();
    String nonceTwo = two.take().get(0).getNonce();

    clock.now = event.plusMillis(30);
    push.ack("se-1", Ack.newBuilder().setNonce(nonceOne).build());
    assertThat(perEngine).containsExactly(java.time.Duration.ofMillis(30));
    assertThat(all).isEmpty(); // se-2 has not answered

    clock.now = event.plusMillis(45);
    push.nack("se-2", Nack.newBuilder().setNonce(nonceTwo).build()); // a rejection is an answer too
    assertThat(perEngine)
        .containsExactly(java.time.Duration.ofMillis(30), java.time.Duration.ofMillis(45));
    assertThat(all).containsExactly(java.time.Duration.ofMillis(45));
  }

  @Test
  void anEngineThatLeavesWithSeveralUpdatesUnansweredEndsAChangeOnce() {
    TestClock clock = new TestClock();
    ConfigPush push = new ConfigPush(clock);
    List<java.time.Duration> all = new ArrayList<>();
    push.onPropagation(
        new PropagationListener() {
          @Override
          public void engineDone(java.time.Duration sinceCause) {}

          @Override
          public void allDone(java.time.Duration sinceCause) {
            all.add(sinceCause);
          }
        });
    Recorder one = new Recorder();
    push.connect("se-1", one);
    one.take();

    // a new app: its pool and its service go out as two updates, neither answered
    java.time.Instant event = clock.now;
    push.publish(info -> set(List.of(pool("web", 31001)), List.of(service("web", 10080))), event);
    assertThat(one.take()).hasSize(2);

    clock.now = event.plusMillis(20);
    push.disconnect("se-1", one);
    assertThat(all).containsExactly(java.time.Duration.ofMillis(20));
  }
}
