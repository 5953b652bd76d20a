/** The first start: the one-time setup code and the first (admin) account. */
package io.gatehouse.console.setup;
