/**
 * What every control-plane service shares: {@link io.gatehouse.common.auth authentication} of its
 * gRPC calls and {@link io.gatehouse.common.leader leader election} for its singleton duties.
 */
package io.gatehouse.common;
