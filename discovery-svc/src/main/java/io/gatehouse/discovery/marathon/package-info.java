/**
 * Marathon as discovery-svc reads it: apps and tasks in every dialect Marathon has spoken (0.9,
 * 1.4, 1.5+), resolved to the endpoints traffic must reach, and the {@code /v2/events} stream.
 */
package io.gatehouse.discovery.marathon;
