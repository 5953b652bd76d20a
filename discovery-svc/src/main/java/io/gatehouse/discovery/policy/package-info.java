/** Writes what apps' labels make of them to policy-svc, and removes what no app makes any more. */
package io.gatehouse.discovery.policy;
