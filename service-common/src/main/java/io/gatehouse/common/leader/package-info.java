/** One leader among a service's replicas, chosen with a PostgreSQL advisory lock. */
package io.gatehouse.common.leader;
