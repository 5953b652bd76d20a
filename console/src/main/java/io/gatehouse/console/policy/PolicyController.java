package io.gatehouse.console.policy;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.gatehouse.console.api.ApiError;
import io.gatehouse.console.api.ApiException;
import io.gatehouse.console.grpc.ProtoJson;
import io.gatehouse.console.grpc.ServiceCalls;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/v1/policy/<kind>}: every policy kind of policy-svc as a REST resource, in the JSON of
 * its proto message (field names as in the proto): list (paged, filtered by name prefix and
 * source), get, create, replace with {@code If-Match} on the revision (412 when it is stale) and
 * delete. An object's revision is its ETag. A field the message does not have is refused, not
 * dropped.
 */
@Controller("/api/v1/policy")
final class PolicyController {
  private final PolicyKinds kinds = new PolicyKinds();
  private final ServiceCalls policy;

  PolicyController(ServiceCalls policy) {
    this.policy = policy;
  }

  /** The kinds served. */
  @Serdeable
  record KindList(List<String> kinds) {}

  @Get
  KindList kinds() {
    List<String> all = new ArrayList<>();
    kinds.segments().forEach(all::add);
    return new KindList(all);
  }

  @Get("/{kind}")
  MutableHttpResponse<String> list(
      @PathVariable String kind,
      @Nullable @QueryValue("page_size") Integer pageSize,
      @Nullable @QueryValue("page_token") String pageToken,
      @Nullable @QueryValue("name_prefix") String namePrefix,
      @Nullable @QueryValue("source") String source) {
    PolicyKinds.Kind k = kind(kind);
    Descriptor type = k.list().getInputType();
    DynamicMessage.Builder request = DynamicMessage.newBuilder(type);
    if (pageSize != null) {
      request.setField(type.findFieldByName("page_size"), pageSize);
    }
    if (pageToken != null) {
      request.setField(type.findFieldByName("page_token"), pageToken);
    }
    FieldDescriptor filterField = type.findFieldByName("filter");
    Descriptor filterType = filterField.getMessageType();
    DynamicMessage.Builder filter = DynamicMessage.newBuilder(filterType);
    if (namePrefix != null) {
      filter.setField(filterType.findFieldByName("name_prefix"), namePrefix);
    }
    if (source != null) {
      FieldDescriptor sourceField = filterType.findFieldByName("source");
      FieldDescriptor kindField = sourceField.getMessageType().findFieldByName("kind");
      String value =
          switch (source) {
            case "api" -> "KIND_API";
            case "marathon-app" -> "KIND_MARATHON_APP";
            default -> null;
          };
      if (value == null) {
        new ApiError.Violations().add("source", "must be api or marathon-app").throwIfAny();
      }
      filter.setField(
          sourceField,
          DynamicMessage.newBuilder(sourceField.getMessageType())
              .setField(kindField, kindField.getEnumType().findValueByName(value))
              .build());
    }
    request.setField(filterField, filter.build());
    return json(HttpStatus.OK, print(call(k.list(), request.build())));
  }

  @Get("/{kind}/{+name}")
  MutableHttpResponse<String> get(@PathVariable String kind, @PathVariable String name) {
    PolicyKinds.Kind k = kind(kind);
    DynamicMessage object = call(k.get(), byName(k.get().getInputType(), name, 0));
    return withEtag(json(HttpStatus.OK, print(object)), object);
  }

  @Post("/{kind}")
  MutableHttpResponse<String> create(@PathVariable String kind, @Body String body) {
    PolicyKinds.Kind k = kind(kind);
    DynamicMessage.Builder request = DynamicMessage.newBuilder(k.create().getInputType());
    request.setField(k.createField(), object(k, body));
    DynamicMessage created = call(k.create(), request.build());
    return withEtag(json(HttpStatus.CREATED, print(created)), created);
  }

  @Put("/{kind}/{+name}")
  MutableHttpResponse<String> replace(
      @PathVariable String kind,
      @PathVariable String name,
      @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch,
      @Body String body) {
    PolicyKinds.Kind k = kind(kind);
    if (ifMatch == null) {
      throw new ApiException(
          HttpStatus.PRECONDITION_REQUIRED,
          "send If-Match with the revision you read (its ETag): a change is made on top of it");
    }
    long revision = revision(ifMatch);
    DynamicMessage object = object(k, body);
    FieldDescriptor metaField = k.object().findFieldByName("meta");
    DynamicMessage meta = (DynamicMessage) object.getField(metaField);
    String bodyName = (String) meta.getField(meta.getDescriptorForType().findFieldByName("name"));
    if (!bodyName.isEmpty() && !bodyName.equals(name)) {
      new ApiError.Violations().add("meta.name", "is not the name in the path").throwIfAny();
    }
    DynamicMessage named =
        meta.toBuilder()
            .setField(meta.getDescriptorForType().findFieldByName("name"), name)
            .setField(meta.getDescriptorForType().findFieldByName("revision"), revision)
            .build();
    DynamicMessage.Builder request = DynamicMessage.newBuilder(k.update().getInputType());
    request.setField(k.updateField(), object.toBuilder().setField(metaField, named).build());
    DynamicMessage updated = call(k.update(), request.build());
    return withEtag(json(HttpStatus.OK, print(updated)), updated);
  }

  @Delete("/{kind}/{+name}")
  HttpResponse<Void> delete(
      @PathVariable String kind,
      @PathVariable String name,
      @Nullable @Header(HttpHeaders.IF_MATCH) String ifMatch) {
    PolicyKinds.Kind k = kind(kind);
    call(
        k.delete(),
        byName(k.delete().getInputType(), name, ifMatch == null ? 0 : revision(ifMatch)));
    return HttpResponse.noContent();
  }

  private PolicyKinds.Kind kind(String segment) {
    PolicyKinds.Kind k = kinds.kind(segment);
    if (k == null) {
      throw new ApiException(
          HttpStatus.NOT_FOUND, "no policy kind of that name: see /api/v1/policy");
    }
    return k;
  }

  /** A get or delete request: the name, and for a delete the revision it must be at. */
  private static DynamicMessage byName(Descriptor type, String name, long expectedRevision) {
    DynamicMessage.Builder request = DynamicMessage.newBuilder(type);
    request.setField(type.findFieldByName("name"), name);
    FieldDescriptor expected = type.findFieldByName("expected_revision");
    if (expected != null && expectedRevision > 0) {
      request.setField(expected, expectedRevision);
    }
    return request.build();
  }

  /** The object in {@code body}, parsed as the kind's message: an unknown field is a 400. */
  private static DynamicMessage object(PolicyKinds.Kind k, String body) {
    DynamicMessage.Builder object = DynamicMessage.newBuilder(k.object());
    ProtoJson.merge(body, object, "body");
    return object.build();
  }

  /** The revision an If-Match names: {@code "12"} (an ETag this API gave) or 12. */
  private static long revision(String ifMatch) {
    String value = ifMatch.strip();
    if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
      value = value.substring(1, value.length() - 1);
    }
    if (!value.matches("[1-9][0-9]{0,17}")) {
      new ApiError.Violations()
          .add("If-Match", "must be the ETag of the object as read, e.g. \"12\"")
          .throwIfAny();
    }
    return Long.parseLong(value);
  }

  private DynamicMessage call(
      com.google.protobuf.Descriptors.MethodDescriptor method, DynamicMessage request) {
    return policy.call(method, request);
  }

  private static String print(Message message) {
    return ProtoJson.print(message);
  }

  private static MutableHttpResponse<String> json(HttpStatus status, String body) {
    return HttpResponse.<String>status(status)
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(body);
  }

  /** The object's revision as its ETag. */
  private static MutableHttpResponse<String> withEtag(
      MutableHttpResponse<String> response, DynamicMessage object) {
    FieldDescriptor metaField = object.getDescriptorForType().findFieldByName("meta");
    DynamicMessage meta = (DynamicMessage) object.getField(metaField);
    Object revision = meta.getField(meta.getDescriptorForType().findFieldByName("revision"));
    return response.header(HttpHeaders.ETAG, "\"" + revision + "\"");
  }
}
