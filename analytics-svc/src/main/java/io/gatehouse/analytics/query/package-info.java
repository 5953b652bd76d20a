/** AnalyticsQuery: bounded queries over the rollups and the client logs. */
package io.gatehouse.analytics.query;
