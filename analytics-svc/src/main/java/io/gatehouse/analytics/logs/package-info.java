/** Client logs: a table partitioned by day, written with COPY, searched by keyset pages. */
package io.gatehouse.analytics.logs;
