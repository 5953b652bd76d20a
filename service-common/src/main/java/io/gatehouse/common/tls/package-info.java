/**
 * TLS between the services: {@link io.gatehouse.common.tls.GrpcTls} reads {@code gatehouse.tls.*}
 * once and gives the gRPC server its certificate (with the clients' certificates checked against
 * the CA) and every channel to another service its trust and its own certificate. Plaintext runs
 * only when {@code gatehouse.tls.plaintext=true} says so.
 */
package io.gatehouse.common.tls;
