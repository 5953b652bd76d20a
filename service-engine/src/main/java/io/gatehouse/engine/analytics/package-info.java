/**
 * The engine's side of analytics: client logs buffered without ever blocking traffic, per-second
 * metric batches built from the counters and timing histograms, and the Report stream that delivers
 * both to analytics-svc with credits, acknowledgements and resends.
 */
package io.gatehouse.engine.analytics;
