package io.gatehouse.semanager.driver;

/** A driver could not do what it was asked; the message says what failed, for the event log. */
public final class DriverException extends Exception {
  public DriverException(String message) {
    super(message);
  }

  public DriverException(String message, Throwable cause) {
    super(message, cause);
  }
}
