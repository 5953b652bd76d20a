/**
 * A local certificate authority for the control plane's TLS: {@link
 * io.gatehouse.pki.LocalAuthority} makes a CA once and issues each service its certificate, as
 * {@code gatehouse up} and the platform tests need. A deployment brings its own PKI instead.
 */
package io.gatehouse.pki;
