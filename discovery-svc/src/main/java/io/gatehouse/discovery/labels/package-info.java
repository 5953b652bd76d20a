/**
 * Proxy labels: what an app's {@code avi_proxy}, {@code FE-Proxy} and {@code proxy_listener} labels
 * (or their absence) make of it, as policy objects, with precise errors per app.
 */
package io.gatehouse.discovery.labels;
