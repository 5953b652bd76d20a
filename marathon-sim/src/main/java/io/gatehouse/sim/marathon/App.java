package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** An app: its stored definition and what runs for it. Owned by the state thread. */
final class App {
  ObjectNode definition;
  String version;
  String lastConfigChangeAt;
  String lastScalingAt;
  final List<Task> tasks = new ArrayList<>();
  Deployment deployment;
  boolean deleting;

  /** Consecutive launch failures, for Marathon's backoff. */
  int failures;

  Instant launchNotBefore = Instant.EPOCH;
  ObjectNode lastTaskFailure;

  App(ObjectNode definition, String version) {
    this.definition = definition;
    this.version = version;
    this.lastConfigChangeAt = version;
    this.lastScalingAt = version;
  }

  String id() {
    return definition.get("id").asText();
  }

  int instances() {
    return definition.get("instances").asInt();
  }

  boolean hasHealthChecks() {
    return definition.get("healthChecks").size() > 0;
  }
}
