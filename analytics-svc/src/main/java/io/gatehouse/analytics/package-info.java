/**
 * analytics-svc: ingests every service engine's measurements ({@code ingest}), rolls them up
 * ({@code rollup}) and keeps client logs ({@code logs}) in PostgreSQL, and answers queries ({@code
 * query}).
 */
package io.gatehouse.analytics;
