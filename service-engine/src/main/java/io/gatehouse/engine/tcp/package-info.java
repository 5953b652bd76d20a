/** L4 TCP proxying: byte streams relayed to one pool member per connection, half-close included. */
package io.gatehouse.engine.tcp;
