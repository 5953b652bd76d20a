package io.gatehouse.policy.store;

import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.policy.auth.Role;
import io.gatehouse.policy.internal.AlreadyExistsException;
import io.gatehouse.policy.objects.PolicyKinds;
import io.gatehouse.policy.objects.ServiceEngineGroupKind;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

/** Makes sure the built-in service engine group "default" exists. */
@Singleton
final class DefaultGroupBootstrap {
  private final PolicyStore store;
  private final PolicyKinds kinds;

  DefaultGroupBootstrap(PolicyStore store, PolicyKinds kinds) {
    this.store = store;
    this.kinds = kinds;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    ServiceEngineGroup group =
        ServiceEngineGroup.newBuilder()
            .setMeta(
                ObjectMeta.newBuilder()
                    .setName(ServiceEngineGroupKind.DEFAULT_GROUP)
                    .setDescription(
                        "Built in: hosts north-south services without an explicit group"))
            .build();
    try {
      store.create(kinds.serviceEngineGroups(), group, Role.OPERATOR);
    } catch (AlreadyExistsException e) {
      // another start or replica created it
    }
  }
}
