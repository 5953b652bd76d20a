/**
 * The cloud settings discovery-svc follows at run time: where the default Marathon instance and the
 * Mesos master are, from policy-svc's Cloud object.
 */
package io.gatehouse.discovery.cloud;
