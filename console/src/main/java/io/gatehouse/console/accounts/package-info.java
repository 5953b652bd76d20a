/** Operator accounts: names, roles, and passwords kept as Argon2id hashes. */
package io.gatehouse.console.accounts;
