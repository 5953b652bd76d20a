/** What every part of the REST API answers with when it refuses a request. */
package io.gatehouse.console.api;
