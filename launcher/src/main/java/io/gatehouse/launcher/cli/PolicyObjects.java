package io.gatehouse.launcher.cli;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.PolicyObject;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Any kind of policy object through policy-svc's uniform methods ({@code Create<Kind>}, {@code
 * Get<Kind>}, {@code List<Kinds>}, {@code Update<Kind>}, {@code Delete<Kind>}): the kinds are the
 * fields of {@link PolicyObject}, so a kind added to the API is served here without a change.
 */
final class PolicyObjects {
  /** The order objects are written in, so that what an object refers to exists before it. */
  static final List<String> WRITE_ORDER =
      List.of(
          "cloud",
          "ssl_key_and_certificate",
          "health_monitor",
          "network_security_policy",
          "service_engine_group",
          "pool",
          "autoscale_policy",
          "http_policy_set",
          "virtual_service");

  private final Channel channel;

  PolicyObjects(Channel channel) {
    this.channel = channel;
  }

  /** The kind a user names: {@code virtual-service}, {@code virtual_service} or {@code pool}. */
  static FieldDescriptor kind(String name) {
    String field = name.toLowerCase(Locale.ROOT).replace('-', '_');
    FieldDescriptor kind = PolicyObject.getDescriptor().findFieldByName(field);
    if (kind == null) {
      throw new IllegalArgumentException(
          "unknown kind '"
              + name
              + "'; kinds: "
              + String.join(
                  ", ",
                  PolicyObject.getDescriptor().getFields().stream()
                      .map(PolicyObjects::displayName)
                      .toList()));
    }
    return kind;
  }

  /** How a kind is written on the command line: {@code virtual-service}. */
  static String displayName(FieldDescriptor kind) {
    return kind.getName().replace('_', '-');
  }

  /** The kind of a policy object and the object itself. */
  record Entry(FieldDescriptor kind, Message object) {
    static Entry of(PolicyObject wrapper) {
      FieldDescriptor kind =
          wrapper.getKindCase() == PolicyObject.KindCase.KIND_NOT_SET
              ? null
              : PolicyObject.getDescriptor().findFieldByNumber(wrapper.getKindCase().getNumber());
      if (kind == null) {
        throw new IllegalArgumentException(
            "an object names no kind; write it as '<kind>: {meta: {name: ...}, ...}'");
      }
      return new Entry(kind, (Message) wrapper.getField(kind));
    }

    /** An object of {@code kind} that carries only its name, to delete it by. */
    static Entry named(FieldDescriptor kind, String name) {
      Message.Builder object = PolicyObject.newBuilder().newBuilderForField(kind);
      object.setField(
          object.getDescriptorForType().findFieldByName("meta"),
          ObjectMeta.newBuilder().setName(name).build());
      return new Entry(kind, object.build());
    }

    ObjectMeta meta() {
      return (ObjectMeta) object.getField(object.getDescriptorForType().findFieldByName("meta"));
    }

    String name() {
      return meta().getName();
    }

    long revision() {
      return meta().getRevision();
    }

    /** The object inside a {@link PolicyObject}, the form files and JSON output use. */
    PolicyObject wrapped() {
      return PolicyObject.newBuilder().setField(kind, object).build();
    }

    @Override
    public String toString() {
      return displayName(kind) + " " + name();
    }
  }

  /** {@code entries} in the order to write them: referenced kinds first. */
  static List<Entry> inWriteOrder(List<Entry> entries) {
    return entries.stream()
        .sorted(Comparator.comparingInt(e -> WRITE_ORDER.indexOf(e.kind().getName())))
        .toList();
  }

  Entry create(Entry entry) {
    return new Entry(entry.kind(), call("Create" + typeName(entry.kind()), entry.kind(), entry));
  }

  /** Replaces the object; with {@code allowMissing} it is created when it does not exist. */
  Entry update(Entry entry, boolean allowMissing) {
    return new Entry(
        entry.kind(),
        call(
            "Update" + typeName(entry.kind()), entry.kind(), entry, "allow_missing", allowMissing));
  }

  Entry get(FieldDescriptor kind, String name) {
    return new Entry(kind, call("Get" + typeName(kind), null, null, "name", name));
  }

  void delete(FieldDescriptor kind, String name) {
    call("Delete" + typeName(kind), null, null, "name", name);
  }

  /** Every object of a kind, page after page. */
  List<Entry> list(FieldDescriptor kind) {
    MethodDescriptor<Message, Message> method = listMethod(kind);
    List<Entry> all = new ArrayList<>();
    String pageToken = "";
    do {
      Message.Builder request = prototype(method).newBuilderForType();
      set(request, "page_size", 1000);
      set(request, "page_token", pageToken);
      Message response = invoke(method, request.build());
      FieldDescriptor items =
          response.getDescriptorForType().getFields().stream()
              .filter(f -> carries(f, kind))
              .findFirst()
              .orElseThrow();
      for (int i = 0; i < response.getRepeatedFieldCount(items); i++) {
        all.add(new Entry(kind, (Message) response.getRepeatedField(items, i)));
      }
      pageToken =
          (String)
              response.getField(response.getDescriptorForType().findFieldByName("next_page_token"));
    } while (!pageToken.isEmpty());
    return all;
  }

  private Message call(String methodName, FieldDescriptor kind, Entry entry, Object... fields) {
    MethodDescriptor<Message, Message> method = method(methodName);
    Message.Builder request = prototype(method).newBuilderForType();
    if (entry != null) {
      request.setField(
          request.getDescriptorForType().findFieldByName(kind.getName()), entry.object());
    }
    for (int i = 0; i < fields.length; i += 2) {
      set(request, (String) fields[i], fields[i + 1]);
    }
    return invoke(method, request.build());
  }

  private Message invoke(MethodDescriptor<Message, Message> method, Message request) {
    return ClientCalls.blockingUnaryCall(
        channel, method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
  }

  private static void set(Message.Builder message, String field, Object value) {
    message.setField(message.getDescriptorForType().findFieldByName(field), value);
  }

  private static String typeName(FieldDescriptor kind) {
    return kind.getMessageType().getName();
  }

  @SuppressWarnings("unchecked")
  private static MethodDescriptor<Message, Message> method(String bareName) {
    return PolicyServiceGrpc.getServiceDescriptor().getMethods().stream()
        .filter(m -> bareName.equals(m.getBareMethodName()))
        .map(m -> (MethodDescriptor<Message, Message>) m)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("policy-svc has no method " + bareName));
  }

  /** The List method whose response carries objects of {@code kind}. */
  @SuppressWarnings("unchecked")
  private static MethodDescriptor<Message, Message> listMethod(FieldDescriptor kind) {
    return PolicyServiceGrpc.getServiceDescriptor().getMethods().stream()
        .filter(m -> m.getBareMethodName().startsWith("List"))
        .map(m -> (MethodDescriptor<Message, Message>) m)
        .filter(
            m ->
                responsePrototype(m).getDescriptorForType().getFields().stream()
                    .anyMatch(f -> carries(f, kind)))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("policy-svc cannot list " + kind));
  }

  private static boolean carries(FieldDescriptor field, FieldDescriptor kind) {
    return field.isRepeated()
        && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && field.getMessageType() == kind.getMessageType();
  }

  private static Message prototype(MethodDescriptor<Message, Message> method) {
    return (Message)
        ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
            .getMessagePrototype();
  }

  private static Message responsePrototype(MethodDescriptor<Message, Message> method) {
    return (Message)
        ((MethodDescriptor.PrototypeMarshaller<?>) method.getResponseMarshaller())
            .getMessagePrototype();
  }
}
