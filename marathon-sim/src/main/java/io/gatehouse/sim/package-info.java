/**
 * marathon-sim: a Marathon (and Mesos master) API simulator whose tasks are real local processes
 * and servers, for Gatehouse's one-command local run and its tests.
 */
package io.gatehouse.sim;
