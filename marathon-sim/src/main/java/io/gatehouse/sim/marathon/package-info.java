/**
 * The simulated Marathon: app definitions in every accepted dialect, apps and their tasks,
 * deployments, and the REST API over them. All state is owned by one thread.
 */
package io.gatehouse.sim.marathon;
