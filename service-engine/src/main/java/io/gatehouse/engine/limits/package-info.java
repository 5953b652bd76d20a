/**
 * Resource limits of the data plane: connections per listener, UDP sessions per listener and per
 * source network, and idle timeouts of relayed connections. What they refuse is counted.
 */
package io.gatehouse.engine.limits;
