/** The Mesos master as discovery-svc reads it: agents with attributes and resources. */
package io.gatehouse.discovery.mesos;
