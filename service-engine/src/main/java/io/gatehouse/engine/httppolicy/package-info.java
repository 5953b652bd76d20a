/**
 * HTTP policies: a virtual service's ordered rules, compiled once per configuration into matchers
 * that read a request where it lies (no copies for literal comparisons), and the actions of the
 * rules that match it.
 */
package io.gatehouse.engine.httppolicy;
