/**
 * A CoreOS Fleet v1 API simulator (units, unit states, machines), over TCP or a unix socket, as
 * recorded in the shared Fleet fixtures: for testing clients of fleet, which cannot run here.
 */
package io.gatehouse.sim.fleet;
