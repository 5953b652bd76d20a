/**
 * discovery-svc: the only Gatehouse component that talks to Marathon and the Mesos master. It
 * follows them into an app model and serves it over gRPC.
 */
package io.gatehouse.discovery;
