/** The console's HTTPS certificate. */
package io.gatehouse.console.tls;
