/** The operators' API of se-manager-svc: convergence (and, next, the engine inventory). */
package io.gatehouse.semanager.admin;
