/**
 * The autoscaler: on the leader, autoscale policies from policy-svc are evaluated on live rollups
 * and apps scaled through discovery-svc; every decision is recorded with the figures behind it.
 */
package io.gatehouse.analytics.autoscale;
