/**
 * HTTP/2 from clients: the connection's codec with its limits, and the guards that bound what one
 * connection may make the engine do (resets, control frames, header blocks) and count what they
 * refused. Each stream is then served like an HTTP/1.1 request (see {@code http.Http2Streams}).
 */
package io.gatehouse.engine.http2;
