package io.gatehouse.policy.store;

/**
 * One row of the objects table.
 *
 * @param body the object's protobuf encoding, meta included, without secrets
 * @param secret the encrypted secret, or null
 */
record StoredObject(long revision, int sourceKind, byte[] body, byte[] secret) {}
