/** Who is calling: bearer tokens mapped to operators and service engines. */
package io.gatehouse.semanager.auth;
