/**
 * The policy store: objects, references, listeners and the change log in PostgreSQL, written in
 * revision order, read in pages.
 */
package io.gatehouse.policy.store;
