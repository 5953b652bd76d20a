/** Browser sessions: logging in and out, session cookies with CSRF tokens, login lock-outs. */
package io.gatehouse.console.session;
