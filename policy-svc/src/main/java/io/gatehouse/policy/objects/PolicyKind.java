package io.gatehouse.policy.objects;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.PolicyObject;
import io.gatehouse.policy.internal.ObjectRef;
import java.util.List;

/**
 * What the store needs to know about one kind of object. Every kind's message has {@code meta} as
 * field 1, and {@link PolicyObject} holds each kind under the field numbered like its {@link
 * ObjectKind}, so metadata and wrapping work the same way for all kinds.
 *
 * @param <T> the object's message type
 */
public abstract class PolicyKind<T extends Message> {
  private static final int META_FIELD = 1;

  /** A reference from one of this object's fields to another object. */
  public record Reference(String field, ObjectRef target) {}

  /**
   * A socket a virtual service listens on. {@code address} is "*" for east-west services and null
   * when the address is still to be allocated from {@code subnet}.
   */
  public record ListenerClaim(
      String address, String subnet, int port, int protocol, String field) {}

  private final ObjectKind kind;
  private final String field;
  private final T defaultInstance;
  private final FieldDescriptor metaField;
  private final FieldDescriptor wrapperField;

  protected PolicyKind(ObjectKind kind, String field, T defaultInstance) {
    this.kind = requireNonNull(kind, "kind");
    this.field = requireNonNull(field, "field");
    this.defaultInstance = requireNonNull(defaultInstance, "defaultInstance");
    this.metaField = defaultInstance.getDescriptorForType().findFieldByNumber(META_FIELD);
    this.wrapperField = PolicyObject.getDescriptor().findFieldByNumber(kind.getNumber());
    if (metaField == null || !metaField.getName().equals("meta")) {
      throw new IllegalArgumentException(kind + ": field 1 must be meta");
    }
  }

  /** The kind. */
  public ObjectKind kind() {
    return kind;
  }

  /** The request field that carries an object of this kind, e.g. "virtual_service". */
  public String field() {
    return field;
  }

  /** The object's message type. */
  public Descriptor descriptor() {
    return defaultInstance.getDescriptorForType();
  }

  /** The object's metadata. */
  public ObjectMeta meta(T object) {
    return (ObjectMeta) object.getField(metaField);
  }

  /** A copy of {@code object} with {@code meta}. */
  @SuppressWarnings("unchecked")
  public T withMeta(T object, ObjectMeta meta) {
    return (T) object.toBuilder().setField(metaField, meta).build();
  }

  /** The object inside a {@link PolicyObject}. */
  public PolicyObject wrap(T object) {
    return PolicyObject.newBuilder().setField(wrapperField, object).build();
  }

  /** Parses a stored object. */
  @SuppressWarnings("unchecked")
  public T parse(byte[] bytes) {
    try {
      return (T) defaultInstance.getParserForType().parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored " + kind + " does not parse", e);
    }
  }

  /** The object with every output-only field cleared, as a client's input is taken. */
  public T clearOutputOnly(T object) {
    return object;
  }

  /** The object as the API returns it (secrets removed). */
  public T redact(T object) {
    return object;
  }

  /** Whether objects of this kind carry a secret (a private key) that is stored encrypted. */
  public boolean hasSecret() {
    return false;
  }

  /** The secret in a client's input; empty when the input carries none. */
  public String secret(T object) {
    return "";
  }

  /** Whether the input asks to remove the stored secret (an empty secret otherwise keeps it). */
  public boolean dropsSecret(T object) {
    return false;
  }

  /**
   * Checks the object together with its secret (the input's, or the stored one when the input has
   * none) and returns it with its derived output-only fields filled in.
   */
  public T complete(T object, String secret, Violations v) {
    return object;
  }

  /** Checks the writable fields (meta aside); violations are recorded under {@code v}. */
  public abstract void validate(T object, Violations v);

  /** The objects this one refers to. */
  public List<Reference> references(T object) {
    return List.of();
  }

  /** The sockets this object listens on. */
  public List<ListenerClaim> listeners(T object) {
    return List.of();
  }

  /** The object's name. */
  public ObjectRef ref(String name) {
    return new ObjectRef(kind, name);
  }
}
