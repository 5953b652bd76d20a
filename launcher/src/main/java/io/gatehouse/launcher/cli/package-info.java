/** The command-line client: readable tables (or JSON) over the services' gRPC API. */
package io.gatehouse.launcher.cli;
