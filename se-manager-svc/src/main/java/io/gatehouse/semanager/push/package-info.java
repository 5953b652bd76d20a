/** The configuration push: versioned resources to every engine, with ACK and NACK. */
package io.gatehouse.semanager.push;
