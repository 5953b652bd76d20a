/** Who may call what: session cookies with CSRF tokens, API tokens, and roles. */
package io.gatehouse.console.auth;
