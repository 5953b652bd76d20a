/**
 * The console: the controller's front door on :9443. Operator accounts with roles ({@code
 * accounts}), browser sessions and API tokens ({@code session}, {@code tokens}), the first start's
 * setup ({@code setup}), who may do what ({@code auth}) and its certificate ({@code tls}).
 */
package io.gatehouse.console;
