/** Marathon's health checks, run against the simulated tasks. */
package io.gatehouse.sim.health;
