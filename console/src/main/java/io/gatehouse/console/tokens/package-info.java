/** API tokens for automation: made, shown once, listed and revoked by their account. */
package io.gatehouse.console.tokens;
