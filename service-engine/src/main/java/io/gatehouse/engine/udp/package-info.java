/** UDP proxying: a session per client address, each with one pool member. */
package io.gatehouse.engine.udp;
