package io.gatehouse.semanager.driver;

/** Starts and stops service engines one way; see {@link NodeDriver} and {@link GroupDriver}. */
public sealed interface DeploymentDriver extends AutoCloseable permits NodeDriver, GroupDriver {
  /** The method's name as the inventory records it: "local", "marathon", "ssh" or "fleet". */
  String method();

  @Override
  default void close() {}
}
