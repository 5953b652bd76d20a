/** The controller cluster through the API: which replica of each service leads its duties. */
package io.gatehouse.console.cluster;
