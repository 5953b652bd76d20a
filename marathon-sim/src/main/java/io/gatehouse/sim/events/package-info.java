/** Marathon's event stream: the bus, and {@code GET /v2/events} with Jetty's exact framing. */
package io.gatehouse.sim.events;
