/**
 * Rate limits: token buckets (as the generic cell rate algorithm: one number per bucket, updated
 * without locks) per virtual service and per client address, and the handler that refuses
 * connections over them.
 */
package io.gatehouse.engine.ratelimit;
