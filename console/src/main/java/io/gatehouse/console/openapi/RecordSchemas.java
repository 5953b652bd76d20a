package io.gatehouse.console.openapi;

import static io.gatehouse.console.openapi.ProtoSchemas.object;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.type.Argument;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON schemas of the records the hand-written routes read and answer, by their components (named
 * as the API writes them: a {@code JsonProperty} name where there is one).
 */
final class RecordSchemas {
  private final Map<String, Object> schemas;

  RecordSchemas(Map<String, Object> schemas) {
    this.schemas = schemas;
  }

  /** The schema of {@code argument}; null when it has no body worth describing. */
  Map<String, Object> of(Argument<?> argument) {
    Class<?> type = argument.getType();
    if (type == void.class || type == Void.class) {
      return null;
    }
    if (Collection.class.isAssignableFrom(type)) {
      Argument<?>[] items = argument.getTypeParameters();
      return object("type", "array", "items", items.length == 1 ? of(items[0]) : Map.of());
    }
    return of((Type) type);
  }

  private Map<String, Object> of(Type type) {
    if (type instanceof ParameterizedType parameterized
        && parameterized.getRawType() instanceof Class<?> raw
        && Collection.class.isAssignableFrom(raw)) {
      return object("type", "array", "items", of(parameterized.getActualTypeArguments()[0]));
    }
    if (!(type instanceof Class<?> c)) {
      return object("type", "object");
    }
    if (c == String.class) {
      return object("type", "object", "description", "the message named in the summary");
    }
    if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
      return object("type", "integer");
    }
    if (c == boolean.class || c == Boolean.class) {
      return object("type", "boolean");
    }
    if (c == Instant.class) {
      return object("type", "string", "format", "date-time");
    }
    if (c.isRecord()) {
      String name = "gatehouse.console." + c.getSimpleName();
      if (!schemas.containsKey(name)) {
        Map<String, Object> properties = new LinkedHashMap<>();
        schemas.put(name, object("type", "object", "properties", properties));
        for (RecordComponent component : c.getRecordComponents()) {
          JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
          properties.put(
              renamed == null ? component.getName() : renamed.value(),
              component.getType() == String.class
                  ? object("type", "string")
                  : of(component.getGenericType()));
        }
      }
      return Map.of("$ref", "#/components/schemas/" + name);
    }
    return object("type", "object");
  }
}
