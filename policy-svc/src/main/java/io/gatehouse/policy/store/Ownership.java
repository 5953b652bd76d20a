package io.gatehouse.policy.store;

import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.ObjectSource;
import io.gatehouse.policy.auth.Role;
import io.gatehouse.policy.internal.InvalidArgumentException;
import io.gatehouse.policy.internal.ObjectRef;
import io.gatehouse.policy.internal.PermissionDeniedException;
import io.gatehouse.policy.internal.PreconditionException;
import io.gatehouse.policy.objects.PolicyKind;
import java.util.List;

/**
 * Who may write an object: operators write what the API created, discovery-svc what it derived from
 * a Marathon app (and only for that app), the other services nothing.
 */
final class Ownership {
  private Ownership() {}

  static void checkWriter(Role role) {
    if (role == Role.SE_MANAGER || role == Role.ANALYTICS) {
      throw new PermissionDeniedException("the " + role + " token is read-only");
    }
  }

  /**
   * The source a write by {@code role} stores: operators write API objects, discovery Marathon's.
   */
  static ObjectSource sourceFor(Role role, ObjectSource requested, PolicyKind<?> kind) {
    checkWriter(role);
    if (role == Role.DISCOVERY && kind.kind() == ObjectKind.OBJECT_KIND_CLOUD) {
      throw new PermissionDeniedException("the cloud settings are written by operators");
    }
    if (role == Role.DISCOVERY) {
      if (requested.getKind() != ObjectSource.Kind.KIND_MARATHON_APP
          || !requested.getMarathonAppId().startsWith("/")) {
        throw InvalidArgumentException.of(
            kind.field() + ".meta.source",
            "discovery-svc writes must name their Marathon app (kind KIND_MARATHON_APP and"
                + " marathon_app_id)");
      }
      return requested;
    }
    return ObjectSource.newBuilder().setKind(ObjectSource.Kind.KIND_API).build();
  }

  /**
   * A Marathon-derived object is replaced only for the app it was derived from: one app's labels
   * naming another app's object (its virtual service, say) must not take that app's traffic.
   */
  static void checkSameApp(Role role, ObjectRef ref, ObjectSource owner, ObjectSource writer) {
    if (role != Role.DISCOVERY
        || (owner.getMarathonAppId().equals(writer.getMarathonAppId())
            && owner.getMarathonFramework().equals(writer.getMarathonFramework()))) {
      return;
    }
    String app = owner.getMarathonAppId();
    throw new PreconditionException(
        ref + " is derived from Marathon app " + app + "; another app's labels cannot replace it",
        List.of(
            new PreconditionException.Violation(
                PreconditionException.OTHER_APP,
                ref.resourceType() + "/" + ref.name(),
                "owned by Marathon app " + app)));
  }

  static void checkOwner(Role role, ObjectRef ref, int sourceKind, ObjectMeta meta) {
    boolean marathonOwned = sourceKind == ObjectSource.Kind.KIND_MARATHON_APP_VALUE;
    if (role == Role.OPERATOR && marathonOwned) {
      String app = meta.getSource().getMarathonAppId();
      throw new PreconditionException(
          ref
              + " is derived from Marathon app "
              + app
              + ": change the app's labels (avi_proxy, FE-Proxy), which are its source of truth",
          List.of(
              new PreconditionException.Violation(
                  PreconditionException.MARATHON_OWNED,
                  ref.resourceType() + "/" + ref.name(),
                  "owned by Marathon app " + app)));
    }
    if (role == Role.DISCOVERY && !marathonOwned) {
      throw new PreconditionException(
          ref + " was created through the API; discovery-svc does not replace it",
          List.of(
              new PreconditionException.Violation(
                  PreconditionException.API_OWNED,
                  ref.resourceType() + "/" + ref.name(),
                  "owned by the API")));
    }
  }
}
