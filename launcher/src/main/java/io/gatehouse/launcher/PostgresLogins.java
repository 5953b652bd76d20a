package io.gatehouse.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who may log in to the local run's PostgreSQL: anyone with the password, over loopback TCP or the
 * local socket, and nobody without it. The embedded server's own setup trusts every local login;
 * this replaces that rule in {@code pg_hba.conf}.
 */
final class PostgresLogins {
  static final String MARKER = "# Gatehouse: logins by password only";

  private static final String RULES =
      MARKER
          + "\n"
          + "local all all scram-sha-256\n"
          + "host  all all 127.0.0.1/32 scram-sha-256\n"
          + "host  all all ::1/128 scram-sha-256\n";

  private PostgresLogins() {}

  /**
   * Writes the password-only rules into {@code data}'s {@code pg_hba.conf} unless they are there;
   * returns whether it did (the server must then reload its configuration).
   */
  static boolean requirePasswords(Path data) throws IOException {
    Path hba = data.resolve("pg_hba.conf");
    if (Files.readString(hba).startsWith(MARKER)) {
      return false;
    }
    Path temporary = data.resolve("pg_hba.conf.new");
    Files.writeString(temporary, RULES);
    Files.move(
        temporary,
        hba,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return true;
  }
}
