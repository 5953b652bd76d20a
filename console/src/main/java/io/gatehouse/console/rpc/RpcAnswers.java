package io.gatehouse.console.rpc;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import io.gatehouse.console.api.ApiError;
import io.gatehouse.console.api.ApiException;
import io.gatehouse.console.grpc.ProtoJson;
import io.gatehouse.console.grpc.ServiceCalls;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.web.router.RouteAttributes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers a REST operation with the gRPC call its route names ({@link Rpc}). The call's request is
 * made of, in this order: the body (the request message in JSON); the query, each parameter a field
 * of the request by its proto name, a dotted path into a nested message ({@code
 * target.virtual_service}), repeated by repeating the parameter; and the fields the path names. A
 * parameter the request has no field for, or a value that does not fit its field, is a 400 naming
 * it. A field added to a message is served with no change here.
 */
@Singleton
public final class RpcAnswers {
  private static final int MAX_PARAMETERS = 64;

  private final ServiceCalls services;
  private final Map<String, MethodDescriptor> methods = new ConcurrentHashMap<>();

  RpcAnswers(ServiceCalls services) {
    this.services = services;
  }

  /** The answer to {@code request}, whose path names the fields {@code pathFields}. */
  public MutableHttpResponse<String> answer(
      HttpRequest<?> request, Map<String, String> pathFields, @Nullable String body) {
    MethodDescriptor method = methodOf(request);
    DynamicMessage response = services.call(method, message(method, request, pathFields, body));
    return HttpResponse.<String>status(HttpStatus.OK)
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(ProtoJson.print(response));
  }

  /**
   * The request message of the call {@code request}'s route names, made as {@link #answer} makes
   * it: for a route that streams the call's responses itself.
   */
  public DynamicMessage message(
      HttpRequest<?> request, Map<String, String> pathFields, @Nullable String body) {
    return message(methodOf(request), request, pathFields, body);
  }

  private DynamicMessage message(
      MethodDescriptor method,
      HttpRequest<?> request,
      Map<String, String> pathFields,
      @Nullable String body) {
    Descriptor type = method.getInputType();
    Map<String, List<String>> query = request.getParameters().asMap();
    ApiError.Violations violations = new ApiError.Violations();
    if (query.size() > MAX_PARAMETERS) {
      violations.add("query", "has more than " + MAX_PARAMETERS + " parameters").throwIfAny();
    }
    JsonObject fields = new JsonObject();
    query.forEach((name, values) -> merge(fields, json(type, name, values, violations)));
    pathFields.forEach(
        (name, value) -> merge(fields, json(type, name, List.of(value), violations)));
    violations.throwIfAny();
    JsonObject whole = body == null || body.isBlank() ? new JsonObject() : object(body);
    merge(whole, fields);
    DynamicMessage.Builder message = DynamicMessage.newBuilder(type);
    ProtoJson.merge(whole.toString(), message, "body");
    return message.build();
  }

  /** The request's answer, for an operation with neither body nor path fields. */
  public MutableHttpResponse<String> answer(HttpRequest<?> request) {
    return answer(request, Map.of(), null);
  }

  private MethodDescriptor methodOf(HttpRequest<?> request) {
    String rpc =
        RouteAttributes.getRouteMatch(request)
            .flatMap(route -> route.getAnnotationMetadata().stringValue(Rpc.class))
            .orElseThrow(() -> new IllegalStateException("the route names no @Rpc"));
    return methods.computeIfAbsent(rpc, Contracts::method);
  }

  /**
   * The JSON that sets the field at the dotted {@code path} to {@code values} (all of them for a
   * repeated field, else exactly one), each read as the proto3 JSON mapping reads it; null, and a
   * violation naming {@code path}, when it cannot.
   */
  private static JsonObject json(
      Descriptor request, String path, List<String> values, ApiError.Violations violations) {
    String[] names = path.split("\\.", -1);
    Descriptor type = request;
    JsonObject root = new JsonObject();
    JsonObject at = root;
    for (int i = 0; i < names.length; i++) {
      FieldDescriptor field = field(type, names[i]);
      if (field == null) {
        violations.add(path, type.getName() + " has no field " + names[i]);
        return null;
      }
      if (i < names.length - 1) {
        if (field.isRepeated() || !nested(field)) {
          violations.add(path, names[i] + " holds no fields to set one by one");
          return null;
        }
        JsonObject inner = new JsonObject();
        at.add(field.getName(), inner);
        at = inner;
        type = field.getMessageType();
      } else if (field.isRepeated()) {
        JsonArray array = new JsonArray();
        values.forEach(array::add);
        at.add(field.getName(), array);
      } else if (values.size() != 1) {
        violations.add(path, "is given more than once");
        return null;
      } else if (nested(field)) {
        violations.add(path, "is a message: set its fields (" + path + ".<field>)");
        return null;
      } else {
        at.add(field.getName(), new JsonPrimitive(values.get(0)));
      }
    }
    try {
      ProtoJson.merge(root.toString(), DynamicMessage.newBuilder(request), path);
    } catch (ApiException refused) {
      refused.body().fieldViolations().forEach(v -> violations.add(v.field(), v.description()));
      return null;
    }
    return root;
  }

  /** {@code from}'s fields put into {@code into}, objects merged field by field. */
  private static void merge(JsonObject into, JsonObject from) {
    if (from == null) {
      return;
    }
    for (Map.Entry<String, JsonElement> entry : from.entrySet()) {
      JsonElement existing = into.get(entry.getKey());
      if (existing != null && existing.isJsonObject() && entry.getValue().isJsonObject()) {
        merge(existing.getAsJsonObject(), entry.getValue().getAsJsonObject());
      } else {
        into.add(entry.getKey(), entry.getValue());
      }
    }
  }

  /** The body as a JSON object; a 400 when it is not one. */
  private static JsonObject object(String body) {
    try {
      JsonElement parsed = JsonParser.parseString(body);
      if (parsed.isJsonObject()) {
        return parsed.getAsJsonObject();
      }
    } catch (RuntimeException unreadable) {
      // answered below
    }
    new ApiError.Violations().add("body", "is not a JSON object").throwIfAny();
    throw new IllegalStateException("unreachable");
  }

  private static FieldDescriptor field(Descriptor type, String name) {
    FieldDescriptor field = type.findFieldByName(name);
    if (field != null) {
      return field;
    }
    return type.getFields().stream()
        .filter(f -> f.getJsonName().equals(name))
        .findFirst()
        .orElse(null);
  }

  /** A message field whose JSON is an object (not a well-known type written as one value). */
  private static boolean nested(FieldDescriptor field) {
    return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && !field.getMessageType().getFullName().startsWith("google.protobuf.");
  }
}
