package io.gatehouse.console.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Lock-outs by account and by address, and what a login that succeeds clears. */
class LoginLimiterTest {
  private final LoginLimiter limiter = new LoginLimiter(3, 5, Duration.ofMinutes(15));

  @Test
  void anAccountIsLockedOutAfterItsFailuresFromAnyAddress() {
    limiter.failed("ops", "10.0.0.1");
    limiter.failed("ops", "10.0.0.2");
    assertThat(limiter.locked("ops", "10.0.0.3")).isFalse();
    limiter.failed("ops", "10.0.0.3");
    assertThat(limiter.locked("ops", "10.0.0.9")).isTrue();
    assertThat(limiter.locked("other", "10.0.0.9")).isFalse();
  }

  @Test
  void anAddressTryingManyAccountsIsLockedOutForEveryAccount() {
    for (int i = 0; i < 5; i++) {
      limiter.failed("account-" + i, "10.0.0.66");
    }
    assertThat(limiter.locked("root", "10.0.0.66")).isTrue();
    assertThat(limiter.locked("root", "10.0.0.67")).isFalse();
  }

  @Test
  void aLoginThatSucceedsClearsItsAccountButNotItsAddress() {
    for (int i = 0; i < 4; i++) {
      limiter.failed("ops", "10.0.0.5");
    }
    limiter.succeeded("ops"); // an operator who got it right after all
    assertThat(limiter.locked("ops", "10.0.0.6")).isFalse();
    limiter.failed("ops", "10.0.0.5");
    assertThat(limiter.locked("ops", "10.0.0.5")).isTrue(); // the address's fifth
  }
}
