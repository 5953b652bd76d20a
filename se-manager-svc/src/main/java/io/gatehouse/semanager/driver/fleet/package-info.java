/** The Fleet driver: one CoreOS fleet unit per engine, pinned to its node's machine. */
package io.gatehouse.semanager.driver.fleet;
