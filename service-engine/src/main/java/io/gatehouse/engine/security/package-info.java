/** Micro-segmentation: which clients may connect to a virtual service. */
package io.gatehouse.engine.security;
