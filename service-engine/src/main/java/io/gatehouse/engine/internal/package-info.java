/** Plumbing shared inside the engine: the socket transport. */
package io.gatehouse.engine.internal;
