/** A small HTTP/1.1 server on Netty: routing, Basic auth, JSON replies, raw streaming replies. */
package io.gatehouse.sim.http;
