/**
 * The engine credentials se-manager-svc revoked (decommissioned engines), read from it so that a
 * revoked engine's report streams end and its credentials open no new one.
 */
package io.gatehouse.analytics.revocation;
