/**
 * Trying Marathon and Mesos master settings before they are used: what each answers, or exactly why
 * it cannot be reached.
 */
package io.gatehouse.discovery.probe;
