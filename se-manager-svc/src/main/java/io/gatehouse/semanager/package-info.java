/**
 * se-manager-svc: the service engine fleet and its configuration. So far the {@link
 * io.gatehouse.semanager.push configuration push}; the inputs from policy-svc and discovery-svc,
 * the Connect service and the engine lifecycle drivers come next.
 */
package io.gatehouse.semanager;
