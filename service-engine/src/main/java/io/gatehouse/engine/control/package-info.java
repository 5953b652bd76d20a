/** The engine's control stream to se-manager-svc: pushed resources applied, ACKed or NACKed. */
package io.gatehouse.engine.control;
