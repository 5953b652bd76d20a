package io.gatehouse.semanager.admin;

import io.gatehouse.api.semanager.v1.EngineVersion;
import io.gatehouse.api.semanager.v1.GetConvergenceResponse;
import io.gatehouse.api.semanager.v1.VirtualServiceConvergence;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Merges what several se-manager-svc replicas answered to GetConvergence, each for the engines
 * connected to it, into one answer for all of them.
 */
final class ConvergenceAnswers {
  private ConvergenceAnswers() {}

  /**
   * One answer from {@code answers} (this replica's first): per virtual service by name, the
   * engines of every answer (an engine that moved between two replicas while they answered counts
   * once, as the first answer has it); converged when it is in every answer that has it, at one
   * desired version.
   */
  static GetConvergenceResponse merge(List<GetConvergenceResponse> answers) {
    Map<String, VirtualServiceConvergence.Builder> byName = new TreeMap<>();
    Map<String, Set<String>> enginesOf = new LinkedHashMap<>();
    GetConvergenceResponse.Builder merged = GetConvergenceResponse.newBuilder();
    for (GetConvergenceResponse answer : answers) {
      merged.addAllReplicas(answer.getReplicasList());
      merged.addAllUnansweredReplicas(answer.getUnansweredReplicasList());
      for (VirtualServiceConvergence vs : answer.getVirtualServicesList()) {
        VirtualServiceConvergence.Builder into = byName.get(vs.getName());
        if (into == null) {
          byName.put(vs.getName(), vs.toBuilder());
          enginesOf.put(vs.getName(), engineIds(vs.getEnginesList()));
          continue;
        }
        if (!into.getDesiredVersion().equals(vs.getDesiredVersion())) {
          into.setConverged(false); // the replicas are between two versions
        }
        into.setConverged(into.getConverged() && vs.getConverged());
        Set<String> seen = enginesOf.get(vs.getName());
        for (EngineVersion engine : vs.getEnginesList()) {
          if (seen.add(engine.getSeId())) {
            into.addEngines(engine);
          }
        }
      }
    }
    byName.values().forEach(merged::addVirtualServices);
    return merged.build();
  }

  private static Set<String> engineIds(List<EngineVersion> engines) {
    Set<String> ids = new HashSet<>();
    engines.forEach(e -> ids.add(e.getSeId()));
    return ids;
  }
}
