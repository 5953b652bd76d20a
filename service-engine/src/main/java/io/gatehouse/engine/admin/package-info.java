/** The admin port: health, Prometheus metrics and the applied configuration. */
package io.gatehouse.engine.admin;
