/** HTTP/1.1 reverse proxying: client connections, keep-alive upstream connections, headers. */
package io.gatehouse.engine.http;
