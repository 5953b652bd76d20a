/**
 * REST operations that are one gRPC call each: a route names its call with {@link
 * io.gatehouse.console.rpc.Rpc}, and {@link io.gatehouse.console.rpc.RpcAnswers} makes the call's
 * request from the route's path, its query and its body, and answers its response as JSON.
 */
package io.gatehouse.console.rpc;
