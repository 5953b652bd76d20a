/**
 * The launcher: {@code ./gatehouse up} starts the whole platform on one machine (an embedded
 * PostgreSQL kept between runs, marathon-sim, the four services, a local engine per simulated
 * agent), posts the demo app and prints where to send traffic.
 */
package io.gatehouse.launcher;
