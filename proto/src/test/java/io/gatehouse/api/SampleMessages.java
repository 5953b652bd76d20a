package io.gatehouse.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import java.util.List;

/**
 * Builds generated messages with every field set to a deterministic, non-default value, through the
 * generated builders. Variant {@code k} sets the {@code k}-th member of each oneof (modulo its
 * size), so {@link #variantCount} variants together cover every oneof member.
 */
final class SampleMessages {
  private static final int MAX_DEPTH = 6;

  private SampleMessages() {}

  /** How many variants cover every oneof member of {@code type} (at least one). */
  static int variantCount(Descriptor type) {
    return type.getRealOneofs().stream().mapToInt(o -> o.getFieldCount()).max().orElse(1);
  }

  /** A fully populated instance of the generated class for {@code type}. */
  static Message sample(Descriptor type, int variant) {
    return populate(GeneratedTypes.newBuilder(type), variant, 0).build();
  }

  private static Message.Builder populate(Message.Builder builder, int variant, int depth) {
    Descriptor type = builder.getDescriptorForType();
    for (FieldDescriptor field : type.getFields()) {
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != null && oneof.getField(variant % oneof.getFieldCount()) != field) {
        continue;
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= MAX_DEPTH) {
        continue;
      }
      if (field.isRepeated()) {
        int copies = field.isMapField() ? 1 : 2;
        for (int i = 0; i < copies; i++) {
          builder.addRepeatedField(field, value(builder, field, variant, depth, i));
        }
      } else {
        builder.setField(field, value(builder, field, variant, depth, 0));
      }
    }
    return builder;
  }

  private static Object value(
      Message.Builder parent, FieldDescriptor field, int variant, int depth, int copy) {
    int n = field.getNumber() + copy;
    return switch (field.getJavaType()) {
      case INT -> n;
      case LONG -> (long) n * 1_000_003L;
      case FLOAT -> n + 0.5f;
      case DOUBLE -> n + 0.25;
      case BOOLEAN -> true;
      case STRING -> field.getName() + "-" + n;
      case BYTE_STRING -> ByteString.copyFromUtf8("bytes-" + n);
      case ENUM -> lastValue(field);
      case MESSAGE -> populate(parent.newBuilderForField(field), variant, depth + 1).build();
    };
  }

  private static Object lastValue(FieldDescriptor field) {
    List<com.google.protobuf.Descriptors.EnumValueDescriptor> values =
        field.getEnumType().getValues();
    return values.get(values.size() - 1);
  }
}
