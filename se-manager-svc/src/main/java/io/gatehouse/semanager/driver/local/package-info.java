/** The local driver: engines as child processes of the manager, one per (simulated) node. */
package io.gatehouse.semanager.driver.local;
