package io.gatehouse.policy.store;

import java.sql.SQLException;

/** A database failure, unchecked; the status mapper looks at its SQL state. */
public final class DatabaseException extends RuntimeException {
  public DatabaseException(SQLException cause) {
    super(cause.getMessage(), cause);
  }
}
