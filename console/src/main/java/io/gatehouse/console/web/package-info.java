/**
 * The web console's pages: served from the jar ({@code public/} and the WebJars of its libraries)
 * with the headers that keep a browser from running anything else on them.
 */
package io.gatehouse.console.web;
