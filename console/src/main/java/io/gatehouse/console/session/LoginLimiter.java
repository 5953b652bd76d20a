package io.gatehouse.console.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failed logins, counted per account and per client address: after {@code max-failures} either is
 * locked out, a right password included, until {@code lockout} passes without another failure.
 * Counting by address too stops one address trying many accounts; by account, many addresses trying
 * one. Both tables are bounded.
 */
@Singleton
public final class LoginLimiter {
  private final int maxFailures;
  private final int maxPerAddress;
  private final Duration lockout;
  private final Cache<String, AtomicInteger> byAccount;
  private final Cache<String, AtomicInteger> byAddress;

  public LoginLimiter(
      @Value("${gatehouse.console.login.max-failures}") int maxFailures,
      @Value("${gatehouse.console.login.max-failures-per-address}") int maxPerAddress,
      @Value("${gatehouse.console.login.lockout}") Duration lockout) {
    this.maxFailures = maxFailures;
    this.maxPerAddress = maxPerAddress;
    this.lockout = lockout;
    this.byAccount = Caffeine.newBuilder().expireAfterWrite(lockout).maximumSize(100_000).build();
    this.byAddress = Caffeine.newBuilder().expireAfterWrite(lockout).maximumSize(100_000).build();
  }

  /** How long a lock-out lasts at most, for Retry-After. */
  public Duration lockout() {
    return lockout;
  }

  /** Whether logins to {@code account} or from {@code address} are locked out now. */
  public boolean locked(String account, String address) {
    return count(byAccount, account) >= maxFailures || count(byAddress, address) >= maxPerAddress;
  }

  public void failed(String account, String address) {
    bump(byAccount, account);
    bump(byAddress, address);
  }

  /** A login that succeeded clears its account's failures (not its address's). */
  public void succeeded(String account) {
    byAccount.invalidate(account);
  }

  private static int count(Cache<String, AtomicInteger> cache, String key) {
    AtomicInteger failures = cache.getIfPresent(key);
    return failures == null ? 0 : failures.get();
  }

  private static void bump(Cache<String, AtomicInteger> cache, String key) {
    AtomicInteger failures = cache.get(key, k -> new AtomicInteger());
    failures.incrementAndGet();
    cache.put(key, failures); // a write: the lock-out runs from the latest failure
  }
}
