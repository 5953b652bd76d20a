/** The simulated Mesos master: agents on loopback addresses and the read-only endpoints. */
package io.gatehouse.sim.mesos;
