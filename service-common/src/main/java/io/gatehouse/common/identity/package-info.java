/**
 * Who an engine is: {@link io.gatehouse.common.identity.EngineCredentials} signs credentials naming
 * one engine and its SE group (se-manager-svc, which deploys engines) and verifies them
 * (se-manager-svc and analytics-svc, which take the engine from the credential, never from what a
 * message claims).
 */
package io.gatehouse.common.identity;
