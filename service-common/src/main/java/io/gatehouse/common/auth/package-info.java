/** Bearer-token authentication of gRPC calls, with a role per token. */
package io.gatehouse.common.auth;
