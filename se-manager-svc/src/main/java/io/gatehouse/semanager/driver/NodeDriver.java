package io.gatehouse.semanager.driver;

/** A driver that starts and stops each engine on its node itself. */
public non-sealed interface NodeDriver extends DeploymentDriver {
  /** Starts the engine unless it runs already. */
  void start(EngineSpec engine) throws DriverException;

  /** Stops the engine; an engine that does not run is already stopped. */
  void stop(EngineSpec engine) throws DriverException;

  /** Whether the engine's process runs on its node, as far as the driver can tell. */
  boolean running(EngineSpec engine) throws DriverException;
}
