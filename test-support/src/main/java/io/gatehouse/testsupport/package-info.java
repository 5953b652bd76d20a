/**
 * What the tests of every Gatehouse module share: a real PostgreSQL server per test JVM with a
 * fresh database per caller ({@link io.gatehouse.testsupport.TestPostgres}), and the recorded
 * Marathon, Mesos and Fleet fixtures beside the project ({@link
 * io.gatehouse.testsupport.SharedFixtures}).
 */
package io.gatehouse.testsupport;
