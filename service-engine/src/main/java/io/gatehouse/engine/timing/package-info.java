/** Per-request timing: the components of each request's time, in mergeable histograms. */
package io.gatehouse.engine.timing;
