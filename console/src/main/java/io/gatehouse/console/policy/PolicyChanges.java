package io.gatehouse.console.policy;

import io.gatehouse.api.policy.v1.ChangeType;
import io.gatehouse.api.policy.v1.ObjectChange;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.WatchRequest;
import io.gatehouse.api.policy.v1.WatchResponse;
import io.gatehouse.console.api.ApiError;
import io.gatehouse.console.api.ErrorEvents;
import io.gatehouse.console.grpc.ProtoJson;
import io.gatehouse.console.grpc.ServiceCalls;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import java.util.Locale;
import org.reactivestreams.Publisher;

/**
 * {@code /api/v1/policy/changes}: policy-svc's change stream as server-sent events, one event per
 * change: its id the change's revision, its name {@code created}, {@code updated} or {@code
 * deleted}, its data the change as JSON (the object after it). A client resumes where it left off
 * with {@code Last-Event-ID} (what browsers send when they reconnect) or {@code from_revision}. The
 * stream follows the client's pace: policy-svc sends no more than the client has taken. A failure
 * of policy-svc ends the stream with an {@code error} event.
 */
@Controller("/api/v1/policy/changes")
final class PolicyChanges {
  private final ServiceCalls policy;
  private final ErrorEvents errors;

  PolicyChanges(ServiceCalls policy, ErrorEvents errors) {
    this.policy = policy;
    this.errors = errors;
  }

  @Get
  @Produces(MediaType.TEXT_EVENT_STREAM)
  Publisher<Event<String>> changes(
      @Nullable @Header("Last-Event-ID") String lastEventId,
      @Nullable @QueryValue("from_revision") Long fromRevision) {
    long from = fromRevision == null ? 0 : fromRevision;
    if (lastEventId != null) {
      if (!lastEventId.strip().matches("[0-9]{1,18}")) {
        new ApiError.Violations().add("Last-Event-ID", "must be a revision").throwIfAny();
      }
      from = Long.parseLong(lastEventId.strip());
    }
    if (from < 0) {
      new ApiError.Violations().add("from_revision", "must be 0 or more").throwIfAny();
    }
    WatchRequest request = WatchRequest.newBuilder().setFromRevision(from).build();
    return errors.endingWithError(
        policy.stream(PolicyServiceGrpc.getWatchMethod(), request)
            .flatMapIterable(WatchResponse::getChangesList, 1) // one response asked at a time
            .map(PolicyChanges::event));
  }

  private static Event<String> event(ObjectChange change) {
    return Event.of(ProtoJson.print(change))
        .id(String.valueOf(change.getRevision()))
        .name(name(change.getType()));
  }

  private static String name(ChangeType type) {
    return type.name().substring("CHANGE_TYPE_".length()).toLowerCase(Locale.ROOT);
  }
}
