/**
 * The app model discovery-svc keeps: Marathon's apps, their revisions and the deltas between them.
 */
package io.gatehouse.discovery.apps;
