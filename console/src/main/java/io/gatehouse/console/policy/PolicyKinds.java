package io.gatehouse.console.policy;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.gatehouse.api.policy.v1.PolicyServiceProto;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every policy kind the REST API serves, read from policy-svc's own contract: for each {@code
 * Create<Kind>} of PolicyService, its Get, List, Update and Delete. A kind added to the proto is
 * served under {@code /api/v1/policy/<kind>} with no code here (its name in kebab case: {@code
 * VirtualService} is {@code virtual-service}).
 */
final class PolicyKinds {
  private static final ServiceDescriptor SERVICE =
      PolicyServiceProto.getDescriptor().findServiceByName("PolicyService");

  /**
   * One kind: its object's type; its calls, with the fields that hold the object in a create and an
   * update request.
   */
  record Kind(
      String segment,
      Descriptor object,
      MethodDescriptor create,
      FieldDescriptor createField,
      MethodDescriptor get,
      MethodDescriptor list,
      MethodDescriptor update,
      FieldDescriptor updateField,
      MethodDescriptor delete) {}

  private final Map<String, Kind> kinds = new LinkedHashMap<>();

  PolicyKinds() {
    for (MethodDescriptor create : SERVICE.getMethods()) {
      if (!create.getName().startsWith("Create")) {
        continue;
      }
      Descriptor object = create.getOutputType();
      String name = object.getName();
      MethodDescriptor update = method("Update" + name);
      kinds.put(
          kebab(name),
          new Kind(
              kebab(name),
              object,
              create,
              objectField(create.getInputType(), object),
              method("Get" + name),
              listOf(object),
              update,
              objectField(update.getInputType(), object),
              method("Delete" + name)));
    }
  }

  /** The kind served at {@code segment}; null when there is none. */
  Kind kind(String segment) {
    return kinds.get(segment);
  }

  /** Every kind's segment, in the contract's order. */
  Iterable<String> segments() {
    return kinds.keySet();
  }

  private static MethodDescriptor method(String name) {
    MethodDescriptor method = SERVICE.findMethodByName(name);
    if (method == null) {
      throw new IllegalStateException("PolicyService has no " + name);
    }
    return method;
  }

  /** The List method whose response holds a repeated {@code object}. */
  private static MethodDescriptor listOf(Descriptor object) {
    for (MethodDescriptor method : SERVICE.getMethods()) {
      if (method.getName().startsWith("List")
          && method.getOutputType().getFields().stream()
              .anyMatch(f -> f.isRepeated() && f.getMessageType() == object)) {
        return method;
      }
    }
    throw new IllegalStateException("PolicyService lists no " + object.getName());
  }

  /** The field of {@code message} that holds an {@code object}. */
  private static FieldDescriptor objectField(Descriptor message, Descriptor object) {
    return message.getFields().stream()
        .filter(
            f ->
                f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && f.getMessageType() == object)
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException(message.getName() + " holds no " + object.getName()));
  }

  /** {@code VirtualService} as {@code virtual-service}. */
  static String kebab(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
