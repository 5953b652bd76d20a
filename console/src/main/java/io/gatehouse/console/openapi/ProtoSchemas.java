package io.gatehouse.console.openapi;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON schemas of proto messages as the API writes them (the proto3 JSON mapping with the proto's
 * field names): each message once, under its full name, referred to from the others.
 */
final class ProtoSchemas {
  private final Map<String, Object> schemas;

  ProtoSchemas(Map<String, Object> schemas) {
    this.schemas = schemas;
  }

  /** A reference to {@code type}'s schema, adding it (and what it refers to) when new. */
  Map<String, Object> ref(Descriptor type) {
    Map<String, Object> known = wellKnown(type.getFullName());
    if (known != null) {
      return known;
    }
    String name = type.getFullName();
    if (!schemas.containsKey(name)) {
      Map<String, Object> properties = new LinkedHashMap<>();
      Map<String, Object> schema = new LinkedHashMap<>();
      schema.put("type", "object");
      schema.put("properties", properties);
      schemas.put(name, schema);
      for (FieldDescriptor field : type.getFields()) {
        properties.put(field.getName(), field(field));
      }
    }
    return Map.of("$ref", "#/components/schemas/" + name);
  }

  private Map<String, Object> field(FieldDescriptor field) {
    if (field.isMapField()) {
      Descriptor entry = field.getMessageType();
      return object("additionalProperties", single(entry.findFieldByName("value")));
    }
    Map<String, Object> one = single(field);
    return field.isRepeated() ? object("type", "array", "items", one) : one;
  }

  private Map<String, Object> single(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case INT -> object("type", "integer", "format", "int32");
      case LONG -> object("type", "string", "format", "int64");
      case FLOAT, DOUBLE -> object("type", "number");
      case BOOLEAN -> object("type", "boolean");
      case STRING -> object("type", "string");
      case BYTE_STRING -> object("type", "string", "format", "byte");
      case ENUM -> {
        List<String> values = new ArrayList<>();
        for (EnumValueDescriptor value : field.getEnumType().getValues()) {
          values.add(value.getName());
        }
        yield object("type", "string", "enum", values);
      }
      case MESSAGE -> ref(field.getMessageType());
    };
  }

  /** The well-known types the JSON mapping writes as one value; null for any other message. */
  private static Map<String, Object> wellKnown(String fullName) {
    return switch (fullName) {
      case "google.protobuf.Timestamp" -> object("type", "string", "format", "date-time");
      case "google.protobuf.Duration" ->
          object("type", "string", "description", "seconds with an s: 1.5s");
      case "google.protobuf.Empty", "google.protobuf.Struct", "google.protobuf.Any" ->
          object("type", "object");
      case "google.protobuf.StringValue", "google.protobuf.BytesValue" -> object("type", "string");
      case "google.protobuf.BoolValue" -> object("type", "boolean");
      case "google.protobuf.DoubleValue", "google.protobuf.FloatValue" -> object("type", "number");
      case "google.protobuf.Int32Value", "google.protobuf.UInt32Value" -> object("type", "integer");
      case "google.protobuf.Int64Value", "google.protobuf.UInt64Value" ->
          object("type", "string", "format", "int64");
      case "google.protobuf.Value" -> Map.of();
      default -> null;
    };
  }

  /** The query parameters a request message takes: each scalar field by its dotted path. */
  List<Map<String, Object>> queryParameters(Descriptor request, List<String> taken) {
    List<Map<String, Object>> parameters = new ArrayList<>();
    addParameters(request, "", taken, parameters, 0);
    return parameters;
  }

  private void addParameters(
      Descriptor type,
      String prefix,
      List<String> taken,
      List<Map<String, Object>> parameters,
      int depth) {
    for (FieldDescriptor field : type.getFields()) {
      String path = prefix + field.getName();
      if (taken.contains(path)) {
        continue;
      }
      boolean nested =
          field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
              && wellKnown(field.getMessageType().getFullName()) == null;
      if (nested && !field.isRepeated() && !field.isMapField() && depth < 3) {
        addParameters(field.getMessageType(), path + ".", taken, parameters, depth + 1);
      } else if (!nested) {
        Map<String, Object> parameter = new LinkedHashMap<>();
        parameter.put("name", path);
        parameter.put("in", "query");
        parameter.put("schema", field(field));
        if (field.isRepeated()) {
          parameter.put("explode", true);
        }
        parameters.add(parameter);
      }
    }
  }

  /** A map of the keys and values given in turn. */
  static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
