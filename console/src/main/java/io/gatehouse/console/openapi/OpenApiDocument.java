package io.gatehouse.console.openapi;

import static io.gatehouse.console.openapi.ProtoSchemas.object;

import com.google.protobuf.Descriptors.MethodDescriptor;
import io.gatehouse.console.rpc.Contracts;
import io.gatehouse.console.rpc.Rpc;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpMethod;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The API's OpenAPI 3.0 document, made once from the routes the console serves under {@code /api}:
 * every route is an operation (so none can be served undocumented); one that is a gRPC call ({@link
 * Rpc}) takes its parameters and schemas from the call's messages, so a field added to the contract
 * appears here with no change; any other, from the records it reads and answers.
 */
@Singleton
final class OpenApiDocument {
  private final Router router;
  private volatile String yaml;

  OpenApiDocument(Router router) {
    this.router = router;
  }

  /** The document as YAML. */
  String yaml() {
    String made = yaml;
    if (made == null) {
      DumperOptions options = new DumperOptions();
      options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
      options.setSplitLines(false);
      made = new Yaml(options).dump(document());
      yaml = made;
    }
    return made;
  }

  private Map<String, Object> document() {
    Map<String, Object> schemas = new TreeMap<>();
    ProtoSchemas protos = new ProtoSchemas(schemas);
    RecordSchemas records = new RecordSchemas(schemas);
    Map<String, Object> paths = new TreeMap<>();
    List<UriRouteInfo<?, ?>> routes = new ArrayList<>(router.uriRoutes().toList());
    routes.sort(Comparator.comparing(r -> r.getHttpMethodName()));
    for (UriRouteInfo<?, ?> route : routes) {
      String template = route.getUriMatchTemplate().toString();
      if (!template.startsWith("/api/") || route.getHttpMethod() == HttpMethod.HEAD) {
        continue; // a HEAD is each GET's, without its body
      }
      String path = template.replace("{+", "{");
      @SuppressWarnings("unchecked")
      Map<String, Object> item =
          (Map<String, Object>) paths.computeIfAbsent(path, p -> new LinkedHashMap<>());
      item.put(
          route.getHttpMethodName().toLowerCase(Locale.ROOT), operation(route, protos, records));
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("openapi", "3.0.3");
    document.put(
        "info",
        object(
            "title",
            "Gatehouse console API",
            "version",
            "v1",
            "description",
            "Log in (POST /api/v1/session) for a session cookie, and send its csrf_token in"
                + " X-CSRF-Token with every write; or bring an API token as a bearer token."
                + " Objects of the services are their proto messages in JSON, with the proto's"
                + " field names."));
    document.put("security", List.of(Map.of("session", List.of()), Map.of("token", List.of())));
    document.put("paths", paths);
    document.put(
        "components",
        object(
            "securitySchemes",
            object(
                "session",
                object("type", "apiKey", "in", "cookie", "name", "gatehouse_session"),
                "token",
                object("type", "http", "scheme", "bearer")),
            "schemas",
            schemas));
    return document;
  }

  private static Map<String, Object> operation(
      UriRouteInfo<?, ?> route, ProtoSchemas protos, RecordSchemas records) {
    Map<String, Object> operation = new LinkedHashMap<>();
    String controller = route.getDeclaringType().getSimpleName().replace("Controller", "");
    operation.put("operationId", controller + "." + route.getTargetMethod().getMethodName());
    operation.put("tags", List.of(controller));
    List<String> pathVariables = route.getUriMatchTemplate().getVariableNames();
    List<Map<String, Object>> parameters = new ArrayList<>();
    for (String variable : pathVariables) {
      parameters.add(
          object(
              "name",
              variable,
              "in",
              "path",
              "required",
              true,
              "schema",
              object("type", "string")));
    }
    String rpc = route.getAnnotationMetadata().stringValue(Rpc.class).orElse(null);
    boolean takesBody = route.getBodyArgument().isPresent();
    Map<String, Object> answer;
    if (rpc != null) {
      MethodDescriptor method = Contracts.method(rpc);
      operation.put("summary", "calls " + method.getService().getName() + "." + method.getName());
      if (!takesBody) {
        parameters.addAll(protos.queryParameters(method.getInputType(), pathVariables));
      } else {
        operation.put("requestBody", body(protos.ref(method.getInputType())));
      }
      answer =
          route.getResponseBodyType().getType() == Void.class
              ? null
              : protos.ref(method.getOutputType());
    } else {
      route
          .getBodyArgument()
          .map(records::of)
          .ifPresent(schema -> operation.put("requestBody", body(schema)));
      for (Argument<?> argument : route.getTargetMethod().getArguments()) {
        if (argument
            .getAnnotationMetadata()
            .hasAnnotation(io.micronaut.http.annotation.QueryValue.class)) {
          String name =
              argument
                  .getAnnotationMetadata()
                  .stringValue(io.micronaut.http.annotation.QueryValue.class)
                  .orElse(argument.getName());
          parameters.add(object("name", name, "in", "query", "schema", records.of(argument)));
        }
      }
      answer = records.of(route.getResponseBodyType());
    }
    if (!parameters.isEmpty()) {
      operation.put("parameters", parameters);
    }
    String status = status(route);
    operation.put(
        "responses",
        object(
            status,
            answer == null || status.equals("204")
                ? object("description", "done")
                : object(
                    "description",
                    "done",
                    "content",
                    object(contentType(route), object("schema", answer))),
            "default",
            object("description", "an error: {code, message, field_violations}")));
    return operation;
  }

  private static Map<String, Object> body(Map<String, Object> schema) {
    return object(
        "required", true, "content", object("application/json", object("schema", schema)));
  }

  private static String contentType(UriRouteInfo<?, ?> route) {
    return route.getProduces().isEmpty()
        ? "application/json"
        : route.getProduces().get(0).toString();
  }

  /** What a route answers when it succeeds: 201 for a create, 204 when it answers nothing. */
  private static String status(UriRouteInfo<?, ?> route) {
    Class<?> body = route.getResponseBodyType().getType();
    if (body == Void.class || body == void.class) {
      return "204";
    }
    String name = route.getTargetMethod().getMethodName();
    return route.getHttpMethod() == HttpMethod.POST
            && (name.startsWith("create")
                || name.startsWith("import")
                || name.startsWith("generate")
                || name.equals("setUp"))
        ? "201"
        : "200";
  }
}
