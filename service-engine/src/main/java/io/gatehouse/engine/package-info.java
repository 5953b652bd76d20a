/**
 * The service engine: the data plane that user traffic runs through. {@link
 * io.gatehouse.engine.ServiceEngine} holds the listeners, virtual services and pools; {@link
 * io.gatehouse.engine.ServiceEngineMain} starts one from the command line.
 */
package io.gatehouse.engine;
