package io.gatehouse.policy.store;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.FieldMaskUtil;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.policy.internal.InvalidArgumentException;
import io.gatehouse.policy.internal.ObjectRef;
import io.gatehouse.policy.objects.Names;
import io.gatehouse.policy.objects.PolicyKind;

/** What a write request must be beyond its object's own rules: its name, mask and description. */
final class RequestChecks {
  private RequestChecks() {}

  static void checkMask(PolicyKind<?> kind, FieldMask mask) {
    for (String path : mask.getPathsList()) {
      boolean metaPath = path.equals("meta") || path.startsWith("meta.");
      if (metaPath && !path.equals("meta.description")) {
        throw InvalidArgumentException.of(
            "update_mask", "\"" + path + "\" cannot be updated (only meta.description of meta)");
      }
    }
    if (!FieldMaskUtil.isValid(kind.descriptor(), mask)) {
      throw InvalidArgumentException.of(
          "update_mask",
          "names a field "
              + kind.descriptor().getName()
              + " does not have: "
              + mask.getPathsList());
    }
  }

  static ObjectRef checkedRef(PolicyKind<?> kind, String name) {
    String problem = Names.problem(name);
    if (problem != null) {
      throw InvalidArgumentException.of(kind.field() + ".meta.name", problem);
    }
    return kind.ref(name);
  }

  static void checkDescription(PolicyKind<?> kind, ObjectMeta meta) {
    if (meta.getDescription().length() > PolicyStore.MAX_DESCRIPTION) {
      throw InvalidArgumentException.of(
          kind.field() + ".meta.description",
          "must be at most " + PolicyStore.MAX_DESCRIPTION + " characters");
    }
  }
}
