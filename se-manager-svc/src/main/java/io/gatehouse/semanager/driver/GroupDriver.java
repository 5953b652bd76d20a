package io.gatehouse.semanager.driver;

import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import java.util.List;

/**
 * A driver that hands a whole group to a scheduler which places, restarts and replaces engines
 * itself (Marathon): it only states how many engines run where.
 */
public non-sealed interface GroupDriver extends DeploymentDriver {
  /**
   * Makes the scheduler run exactly {@code engines} (an empty list scales the group to nothing);
   * does nothing when the scheduler already has this.
   */
  void apply(ServiceEngineGroup group, List<EngineSpec> engines) throws DriverException;

  /** Has the scheduler replace one engine (kill its task; the scheduler starts a new one). */
  void restart(EngineSpec engine) throws DriverException;
}
