/** Wiring: metric ingest, housekeeping, metrics, and the gRPC server's shared parts. */
package io.gatehouse.analytics.internal;
