/**
 * The services as the console calls them: their gRPC methods by descriptor, messages as JSON, over
 * the services' TLS with the console's operator token, and their failures as the API's errors.
 */
package io.gatehouse.console.grpc;
