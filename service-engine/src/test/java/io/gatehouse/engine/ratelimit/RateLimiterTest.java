package io.gatehouse.engine.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.config.RateLimitConfig;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private static InetAddress address(int n) throws Exception {
    return InetAddress.getByAddress(new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
  }

  @Test
  void aBucketLetsItsBurstThroughAtOnceThenItsRate() {
    Gcra bucket = new Gcra(10, 4, now.get());

    int admitted = 0;
    while (bucket.tryAcquire(now.get())) {
      admitted++;
    }
    assertThat(admitted).isEqualTo(5); // one, and a burst of four

    now.addAndGet(99_000_000L);
    assertThat(bucket.tryAcquire(now.get())).isFalse();
    now.addAndGet(1_000_000L); // 100 ms: one token at 10/s
    assertThat(bucket.tryAcquire(now.get())).isTrue();
    assertThat(bucket.tryAcquire(now.get())).isFalse();
    now.addAndGet(10_000_000_000L); // a long pause refills the burst, no more
    int afterPause = 0;
    while (bucket.tryAcquire(now.get())) {
      afterPause++;
    }
    assertThat(afterPause).isEqualTo(5);
  }

  @Test
  void oneClientOverItsRateLeavesOtherClientsAlone() throws Exception {
    RateLimiter limits = new RateLimiter(new RateLimitConfig(0, 0, 0, 1, 0, 2), 16, now::get);

    assertThat(limits.request(address(1))).isEqualTo(RateLimiter.Verdict.ADMITTED);
    assertThat(limits.request(address(1))).isEqualTo(RateLimiter.Verdict.ADMITTED);
    assertThat(limits.request(address(1))).isEqualTo(RateLimiter.Verdict.CLIENT_RATE);
    assertThat(limits.request(address(2))).isEqualTo(RateLimiter.Verdict.ADMITTED);
  }

  @Test
  void theServiceRateAndItsOpenConnectionsHoldForEveryClient() throws Exception {
    RateLimiter limits = new RateLimiter(new RateLimitConfig(100, 1, 2, 0, 0, 0), 16, now::get);

    assertThat(limits.request(address(1))).isEqualTo(RateLimiter.Verdict.ADMITTED);
    assertThat(limits.request(address(2))).isEqualTo(RateLimiter.Verdict.SERVICE_RATE);
    assertThat(limits.connectionOpened(address(1))).isEqualTo(RateLimiter.Verdict.ADMITTED);
    now.addAndGet(10_000_000L);
    assertThat(limits.connectionOpened(address(2))).isEqualTo(RateLimiter.Verdict.ADMITTED);
    now.addAndGet(10_000_000L);
    assertThat(limits.connectionOpened(address(3))).isEqualTo(RateLimiter.Verdict.SERVICE_FULL);
    limits.closed();
    now.addAndGet(10_000_000L);
    assertThat(limits.connectionOpened(address(3))).isEqualTo(RateLimiter.Verdict.ADMITTED);
  }

  @Test
  void spoofedAddressesCostNoMoreThanTheTable() throws Exception {
    RateLimiter limits = new RateLimiter(new RateLimitConfig(0, 0, 0, 0, 1, 1), 100, now::get);

    for (int n = 0; n < 20_000; n++) {
      limits.request(address(n));
      limits.sessionOpened(address(n));
    }
    limits.cleanUp();

    assertThat(limits.trackedClients()).isLessThanOrEqualTo(200); // 100 per rate
  }
}
