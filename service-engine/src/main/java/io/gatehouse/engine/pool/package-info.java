/** Pools as traffic sees them: live members, load balancing, connections to members. */
package io.gatehouse.engine.pool;
