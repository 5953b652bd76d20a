/**
 * policy-svc: Gatehouse's configuration store. Virtual services, pools, health monitors, network
 * security policies, certificates, autoscale policies and service engine groups live in PostgreSQL
 * with revisions, and every change is streamed to watchers.
 */
package io.gatehouse.policy;
