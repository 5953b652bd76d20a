/**
 * How a simulated task runs: as a local process (an app's {@code cmd}), as a built-in server
 * standing for a container image, or, in the test mode, as a fixed endpoint with nothing behind it.
 */
package io.gatehouse.sim.tasks;
