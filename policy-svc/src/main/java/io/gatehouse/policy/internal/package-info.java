/** Plumbing shared across policy-svc: the error types and their single mapping to gRPC status. */
package io.gatehouse.policy.internal;
