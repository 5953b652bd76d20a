/** Plumbing shared inside se-manager-svc: beans for the push and the gRPC server. */
package io.gatehouse.semanager.internal;
