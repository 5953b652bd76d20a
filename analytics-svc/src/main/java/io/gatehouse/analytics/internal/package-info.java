/** Wiring: the roller, housekeeping, and the gRPC server's shared parts. */
package io.gatehouse.analytics.internal;
