/**
 * The seven kinds of policy object: for each, how to read its metadata, what it refers to, which
 * sockets it claims, and how it is validated.
 */
package io.gatehouse.policy.objects;
