/**
 * se-manager-svc through the API: the service engines, their events and their convergence on the
 * configuration, redeploying and decommissioning one, and the SSH keys engines are deployed with.
 */
package io.gatehouse.console.engines;
