/**
 * What every control-plane service shares: {@link io.gatehouse.common.auth authentication} of its
 * gRPC calls, {@link io.gatehouse.common.leader leader election} for its singleton duties and the
 * {@link io.gatehouse.common.management management endpoints}.
 */
package io.gatehouse.common;
