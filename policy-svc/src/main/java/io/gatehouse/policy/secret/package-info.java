/** TLS keys and certificates: parsing, key matching, and encryption of private keys at rest. */
package io.gatehouse.policy.secret;
