/** The service engine inventory and its lifecycle events, in PostgreSQL. */
package io.gatehouse.semanager.inventory;
