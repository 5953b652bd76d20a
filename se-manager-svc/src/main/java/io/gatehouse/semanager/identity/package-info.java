/**
 * Engine identities: the credential each engine is deployed with (bound to its id and SE group),
 * and the session credentials it is given, and given again, over its control stream.
 */
package io.gatehouse.semanager.identity;
