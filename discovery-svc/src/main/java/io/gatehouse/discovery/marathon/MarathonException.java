package io.gatehouse.discovery.marathon;

/** Marathon could not be reached, or answered with an error. */
public class MarathonException extends RuntimeException {
  private final int status;

  public MarathonException(int status, String message) {
    super(message);
    this.status = status;
  }

  public MarathonException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The HTTP status, or 0 when Marathon was not reached. */
  public int status() {
    return status;
  }

  /** What an I/O failure says, or its kind when it says nothing ("ConnectException"). */
  public static String reason(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
