/** Plumbing of discovery-svc: configuration and the followers it runs. */
package io.gatehouse.discovery.internal;
