/**
 * Deployment drivers: how engines are started and stopped on nodes. A {@link
 * io.gatehouse.semanager.driver.NodeDriver} acts on one node at a time (SSH, Fleet, local child
 * processes); a {@link io.gatehouse.semanager.driver.GroupDriver} hands a whole group to a
 * scheduler (Marathon). Every operation is idempotent: the reconciler repeats it until the fleet
 * matches.
 */
package io.gatehouse.semanager.driver;
