package io.gatehouse.common.leader;

/**
 * Who leads a duty, as one replica sees it.
 *
 * @param duty the duty (e.g. "se-manager-svc/reconciler")
 * @param leader the leading replica's name ({@link Replicas#name}); empty while none does or the
 *     replica asked cannot reach the election's database
 * @param thisReplica whether the replica asked is the leader
 */
public record Leadership(String duty, String leader, boolean thisReplica) {

  /** A duty a replica does alone, with no election: it leads it. */
  public static Leadership alone(String duty, String replica) {
    return new Leadership(duty, replica, true);
  }
}
