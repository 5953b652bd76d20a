/**
 * The SSH driver: start, stop and status commands run on each node over SSH (Apache MINA SSHD),
 * with key authentication, strict host keys and password-less sudo; and the key store behind it.
 */
package io.gatehouse.semanager.driver.ssh;
