/** Who is calling: bearer tokens mapped to operator and service roles. */
package io.gatehouse.discovery.auth;
