/** Plumbing shared inside the engine: the socket transport, the byte relay. */
package io.gatehouse.engine.internal;
