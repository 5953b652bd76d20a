/**
 * Rollups: metric batches folded into 5 s, 1 min, 1 h and 1 day rows per virtual service, pool
 * member and engine, with counters added and timing histograms merged; and their retention.
 */
package io.gatehouse.analytics.rollup;
