/** gRPC statuses the services answer with. */
package io.gatehouse.common.grpc;
