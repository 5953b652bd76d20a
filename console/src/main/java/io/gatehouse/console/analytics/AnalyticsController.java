package io.gatehouse.console.analytics;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.analytics.v1.FollowLogsRequest;
import io.gatehouse.console.api.ErrorEvents;
import io.gatehouse.console.grpc.ProtoJson;
import io.gatehouse.console.grpc.ServiceCalls;
import io.gatehouse.console.rpc.Rpc;
import io.gatehouse.console.rpc.RpcAnswers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.sse.Event;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * What analytics-svc measured, and new client logs as they come: each query's parameters are its
 * request's fields ({@code
 * /api/v1/metrics?target.virtual_service=web&metrics=METRIC_REQUESTS&range.start_time=...}).
 */
@Controller("/api/v1")
final class AnalyticsController {
  private static final String QUERY = "gatehouse.analytics.v1.AnalyticsQuery/";
  private final RpcAnswers answers;
  private final ServiceCalls services;
  private final ErrorEvents errors;

  AnalyticsController(RpcAnswers answers, ServiceCalls services, ErrorEvents errors) {
    this.answers = answers;
    this.services = services;
    this.errors = errors;
  }

  @Get("/metrics")
  @Rpc(QUERY + "GetMetrics")
  MutableHttpResponse<String> metrics(HttpRequest<?> request) {
    return answers.answer(request);
  }

  @Get("/latency")
  @Rpc(QUERY + "GetLatency")
  MutableHttpResponse<String> latency(HttpRequest<?> request) {
    return answers.answer(request);
  }

  @Get("/logs")
  @Rpc(QUERY + "SearchLogs")
  MutableHttpResponse<String> logs(HttpRequest<?> request) {
    return answers.answer(request);
  }

  /**
   * New client logs as server-sent events, as analytics-svc stores them: each event ({@code logs})
   * a FollowLogsResponse, oldest first; the parameters are FollowLogsRequest's ({@code
   * filter.virtual_service=web&backlog=20}). A failure of analytics-svc ends the stream with an
   * {@code error} event.
   */
  @Get("/logs/follow")
  @Produces(MediaType.TEXT_EVENT_STREAM)
  @Rpc(QUERY + "FollowLogs")
  Publisher<Event<String>> followLogs(HttpRequest<?> request) {
    FollowLogsRequest follow;
    try {
      follow = FollowLogsRequest.parseFrom(answers.message(request, Map.of(), null).toByteString());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a FollowLogsRequest that does not parse as one", e);
    }
    return errors.endingWithError(
        services.stream(AnalyticsQueryGrpc.getFollowLogsMethod(), follow)
            .map(logs -> Event.of(ProtoJson.print(logs)).name("logs")));
  }

  @Get("/app-map")
  @Rpc(QUERY + "GetAppMap")
  MutableHttpResponse<String> appMap(HttpRequest<?> request) {
    return answers.answer(request);
  }

  @Get("/autoscale-decisions")
  @Rpc(QUERY + "ListAutoscaleDecisions")
  MutableHttpResponse<String> autoscaleDecisions(HttpRequest<?> request) {
    return answers.answer(request);
  }
}
