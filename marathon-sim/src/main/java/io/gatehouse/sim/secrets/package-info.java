/**
 * The secret store Marathon's secrets resolve from: the DC/OS Secrets API on the master's port, and
 * the lookup a task's {@code {"secret": …}} environment values are filled from at launch.
 */
package io.gatehouse.sim.secrets;
