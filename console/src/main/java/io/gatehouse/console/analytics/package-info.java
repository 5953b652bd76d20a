/**
 * analytics-svc through the API: metrics and latency over time, client logs, the application map
 * and the autoscaler's decisions.
 */
package io.gatehouse.console.analytics;
