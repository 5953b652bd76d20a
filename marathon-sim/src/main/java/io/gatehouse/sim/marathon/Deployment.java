package io.gatehouse.sim.marathon;

import java.util.List;

/**
 * A running deployment of one app: its plan's steps (each one action on the app) and the version it
 * deploys.
 */
record Deployment(String id, String version, String appId, List<String> actions) {
  /** "StartApplication", then "ScaleApplication", for a new app. */
  static List<String> create() {
    return List.of("StartApplication", "ScaleApplication");
  }
}
