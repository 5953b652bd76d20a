/**
 * HTTP/1.1 message framing (RFC 9112 §6–7), decided once by the engine: strict decoding of what
 * clients and members send, and the framing headers of what the engine forwards, written by the
 * engine itself.
 */
package io.gatehouse.engine.http.framing;
