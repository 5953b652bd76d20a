/**
 * What an internal gRPC client is pointed at: one address, or the addresses of several replicas of
 * a service, tried in turn ({@link io.gatehouse.grpc.targets.GrpcTargets}).
 */
package io.gatehouse.grpc.targets;
