/** The engines' control stream: hello, configuration updates, ACK and NACK. */
package io.gatehouse.semanager.control;
