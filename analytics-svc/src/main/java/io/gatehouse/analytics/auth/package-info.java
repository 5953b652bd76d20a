/** Who may call analytics-svc: operators query, engines report. */
package io.gatehouse.analytics.auth;
