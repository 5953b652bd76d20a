/** Active health monitors: TCP and HTTP probes of pool members, with rise and fall. */
package io.gatehouse.engine.health;
