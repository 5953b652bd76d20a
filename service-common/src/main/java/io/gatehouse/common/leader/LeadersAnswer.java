package io.gatehouse.common.leader;

import io.gatehouse.api.cluster.v1.GetLeadersResponse;
import java.util.Collection;
import java.util.Comparator;

/** A service's answer to GetLeaders: who leads each of its duties, as this replica sees it. */
public final class LeadersAnswer {
  private LeadersAnswer() {}

  /** The answer of replica {@code replica} for the duties it elects leaders of. */
  public static GetLeadersResponse ofElections(
      String replica, Collection<LeaderElection> elections) {
    return of(replica, elections.stream().map(LeaderElection::leadership).toList());
  }

  /** The answer of replica {@code replica} for {@code leaderships}, by duty name. */
  public static GetLeadersResponse of(String replica, Collection<Leadership> leaderships) {
    GetLeadersResponse.Builder response = GetLeadersResponse.newBuilder().setReplica(replica);
    leaderships.stream()
        .sorted(Comparator.comparing(Leadership::duty))
        .forEach(
            l ->
                response
                    .addLeadershipsBuilder()
                    .setDuty(l.duty())
                    .setLeader(l.leader())
                    .setThisReplica(l.thisReplica()));
    return response.build();
  }
}
