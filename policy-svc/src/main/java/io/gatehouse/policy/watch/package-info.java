/**
 * The change stream: one LISTEN connection per process feeds a bounded ring of recent changes; each
 * watcher is a cursor into it (or into the database when it falls behind the ring).
 */
package io.gatehouse.policy.watch;
