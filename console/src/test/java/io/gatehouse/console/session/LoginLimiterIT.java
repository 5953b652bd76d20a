package io.gatehouse.console.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Lock-outs by account and by address, and what a login that succeeds clears, held in the console's
 * database: two console replicas see the same lock-outs, and a lock-out ends once its time passes
 * without another failure.
 */
class LoginLimiterIT {
  private static final Duration LOCKOUT = Duration.ofMinutes(15);

  private final MovingClock clock = new MovingClock();
  private TestPostgres.Database database;
  private LoginLimiter limiter;
  private LoginLimiter otherReplica;

  @BeforeEach
  void migrate() {
    database = TestPostgres.freshDatabase();
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setUrl(database.jdbcUrl());
    source.setUser(database.user());
    source.setPassword(database.password());
    source.setCurrentSchema("console");
    Flyway.configure()
        .dataSource(source)
        .schemas("console")
        .defaultSchema("console")
        .locations("classpath:db/migration")
        .load()
        .migrate();
    limiter = new LoginLimiter(source, clock, 3, 5, LOCKOUT);
    otherReplica = new LoginLimiter(source, clock, 3, 5, LOCKOUT);
  }

  @Test
  void anAccountIsLockedOutAfterItsFailuresFromAnyAddressOnEveryReplica() {
    limiter.failed("ops", "10.0.0.1");
    otherReplica.failed("ops", "10.0.0.2");
    assertThat(limiter.locked("ops", "10.0.0.3")).isFalse();
    limiter.failed("ops", "10.0.0.3");
    assertThat(otherReplica.locked("ops", "10.0.0.9")).isTrue();
    assertThat(otherReplica.locked("other", "10.0.0.9")).isFalse();
  }

  @Test
  void anAddressTryingManyAccountsIsLockedOutForEveryAccount() {
    for (int i = 0; i < 5; i++) {
      (i % 2 == 0 ? limiter : otherReplica).failed("account-" + i, "10.0.0.66");
    }
    assertThat(limiter.locked("root", "10.0.0.66")).isTrue();
    assertThat(limiter.locked("root", "10.0.0.67")).isFalse();
  }

  @Test
  void aLoginThatSucceedsClearsItsAccountButNotItsAddress() {
    for (int i = 0; i < 4; i++) {
      limiter.failed("ops", "10.0.0.5");
    }
    otherReplica.succeeded("ops"); // an operator who got it right after all
    assertThat(limiter.locked("ops", "10.0.0.6")).isFalse();
    limiter.failed("ops", "10.0.0.5");
    assertThat(limiter.locked("ops", "10.0.0.5")).isTrue(); // the address's fifth
  }

  @Test
  void aNameLongerThanAnyAccountsIsCountedLikeAnyOther() {
    byte[] noise = new byte[375_000]; // a login body's name can be that long, and not compress
    new java.util.Random(7).nextBytes(noise);
    String huge = java.util.Base64.getEncoder().encodeToString(noise);
    for (int i = 0; i < 3; i++) {
      limiter.failed(huge, "10.0.0.40");
    }
    assertThat(otherReplica.locked(huge, "10.0.0.41")).isTrue();
    assertThat(otherReplica.locked(huge + "y", "10.0.0.41")).isFalse();
  }

  @Test
  void aLockOutEndsWhenItsTimePassesWithoutAFailureAndOldRowsGo() throws Exception {
    for (int i = 0; i < 3; i++) {
      limiter.failed("ops", "10.0.0.7");
    }
    clock.advance(LOCKOUT.minusSeconds(1));
    assertThat(limiter.locked("ops", "10.0.0.8")).isTrue();
    clock.advance(Duration.ofSeconds(2));
    assertThat(limiter.locked("ops", "10.0.0.8")).isFalse();

    // a failure after the window starts a new count, and removes what expired
    limiter.failed("ops", "10.0.0.8");
    assertThat(limiter.locked("ops", "10.0.0.8")).isFalse();
    try (Connection c = database.connect();
        ResultSet r =
            c.createStatement()
                .executeQuery(
                    "SELECT kind, key, failures FROM console.login_failure ORDER BY kind, key")) {
      StringBuilder rows = new StringBuilder();
      while (r.next()) {
        rows.append(r.getString(1)).append(' ').append(r.getString(2)).append(' ');
        rows.append(r.getInt(3)).append(';');
      }
      assertThat(rows.toString()).isEqualTo("account ops 1;address 10.0.0.8 1;");
    }
  }

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    private Instant now = Instant.parse("2026-12-04T12:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
