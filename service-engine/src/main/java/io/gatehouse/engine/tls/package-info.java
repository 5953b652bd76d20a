/** TLS termination: server contexts from the configured certificates. */
package io.gatehouse.engine.tls;
