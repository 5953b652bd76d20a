package io.gatehouse.discovery.marathon;

/** Mesos task states, as Marathon reports them ("TASK_RUNNING", ...). */
public enum TaskState {
  STAGING,
  STARTING,
  RUNNING,
  KILLING,
  KILLED,
  FAILED,
  LOST,
  FINISHED,
  ERROR,
  UNREACHABLE,
  GONE,
  DROPPED,
  UNKNOWN;

  /** Parses "TASK_RUNNING"; unknown values are UNKNOWN. */
  public static TaskState of(String marathon) {
    if (marathon == null || !marathon.startsWith("TASK_")) {
      return UNKNOWN;
    }
    try {
      return valueOf(marathon.substring(5));
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }

  /** Whether a task in this state must receive no new traffic, at once. */
  public boolean isGoingAway() {
    return this != STAGING && this != STARTING && this != RUNNING && this != UNKNOWN;
  }
}
