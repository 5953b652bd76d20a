/** The gRPC adapters of policy-svc: proto requests in, store calls, proto responses out. */
package io.gatehouse.policy.api;
