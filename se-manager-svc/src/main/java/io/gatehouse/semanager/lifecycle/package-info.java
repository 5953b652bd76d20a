/**
 * The fleet's lifecycle: which nodes should run an engine of which group ({@link
 * io.gatehouse.semanager.lifecycle.Eligibility}), and the leader's loop that makes the deployment
 * drivers converge the actual engines to that ({@link
 * io.gatehouse.semanager.lifecycle.Reconciler}).
 */
package io.gatehouse.semanager.lifecycle;
