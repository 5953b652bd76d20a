/** The Marathon apps behind client addresses, as discovery-svc knows them. */
package io.gatehouse.analytics.apps;
