package io.gatehouse.semanager.lifecycle;

import io.gatehouse.api.policy.v1.DeploymentMethod;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.semanager.driver.DeploymentDriver;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.NodeDriver;
import io.gatehouse.semanager.inventory.Inventory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment drivers this manager has, by method name: which one deploys a group's engines (its
 * method, or the default), which one stops an engine recorded with a method. A group whose method
 * is not configured here, or whose driver fails, is reported once until it works again.
 */
final class Drivers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Drivers.class);

  private final Map<String, DeploymentDriver> byMethod = new HashMap<>();
  private final DeploymentMethod defaultMethod;
  private final Set<String> reported = new HashSet<>();

  Drivers(List<DeploymentDriver> drivers, DeploymentMethod defaultMethod) {
    drivers.forEach(d -> byMethod.put(d.method(), d));
    this.defaultMethod = defaultMethod;
  }

  /** The inventory's name of a deployment method. */
  static String methodName(DeploymentMethod method) {
    return switch (method) {
      case DEPLOYMENT_METHOD_MARATHON -> "marathon";
      case DEPLOYMENT_METHOD_SSH -> "ssh";
      case DEPLOYMENT_METHOD_FLEET -> "fleet";
      case DEPLOYMENT_METHOD_LOCAL -> "local";
      case DEPLOYMENT_METHOD_UNSPECIFIED, UNRECOGNIZED -> "";
    };
  }

  /** The driver of {@code group}'s engines; null (reported once) when it is not configured. */
  DeploymentDriver of(ServiceEngineGroup group) {
    DeploymentMethod method =
        group.getDeploymentMethod() == DeploymentMethod.DEPLOYMENT_METHOD_UNSPECIFIED
            ? defaultMethod
            : group.getDeploymentMethod();
    String name = methodName(method);
    DeploymentDriver driver = byMethod.get(name);
    if (driver == null) {
      reportOnce(
          group.getMeta().getName(),
          "group " + group.getMeta().getName(),
          "deployment method "
              + name
              + " is not configured on this manager; its engines are left as they are");
    }
    return driver;
  }

  /** The driver that deployed {@code engine}, for an operator's redeploy or decommission. */
  DeploymentDriver configured(Inventory.Engine engine) throws DriverException {
    DeploymentDriver driver = byMethod.get(engine.deploymentMethod());
    if (driver == null) {
      throw new DriverException(
          engine.deploymentMethod().isEmpty()
              ? "the manager did not deploy this engine (it connected on its own)"
              : "deployment method " + engine.deploymentMethod() + " is not configured here");
    }
    return driver;
  }

  /** Stops an engine with the driver of {@code method}; false when that failed. */
  boolean stop(String method, EngineSpec spec) {
    DeploymentDriver driver = byMethod.get(method);
    if (driver instanceof NodeDriver nodeDriver) {
      try {
        nodeDriver.stop(spec);
      } catch (DriverException e) {
        log.warn("engine {}: {} could not stop it: {}", spec.seId(), method, e.getMessage());
        return false;
      }
    }
    return true; // a group driver scaled it away already; an unknown method has nothing to stop
  }

  /** Logs {@code problem} of {@code subject} once, until {@link #resolved} for {@code key}. */
  void reportOnce(String key, String subject, String problem) {
    if (reported.add(key)) {
      log.warn("{}: {}", subject, problem);
    }
  }

  /** What was reported of {@code key} is over: a new problem is reported again. */
  void resolved(String key) {
    reported.remove(key);
  }

  /** Closes every driver (the local driver stops its engines). */
  @Override
  public void close() {
    byMethod.values().forEach(DeploymentDriver::close);
  }
}
