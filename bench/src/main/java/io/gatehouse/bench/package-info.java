/**
 * Benchmarks: load drivers that start the real service jars (and an embedded PostgreSQL), drive
 * them over gRPC from this process, and print figures. Bounded in count and time; loopback only.
 */
package io.gatehouse.bench;
