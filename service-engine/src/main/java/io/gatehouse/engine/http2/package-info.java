/**
 * HTTP/2 from clients: the connection handler with its limits, and the guards that bound what one
 * connection may make the engine do (resets, control frames, header blocks) and count what they
 * refused. Its streams are then served like HTTP/1.1 requests (see {@code http.Http2Streams}).
 */
package io.gatehouse.engine.http2;
