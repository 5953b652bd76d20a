package io.gatehouse.console.analytics;

import io.gatehouse.console.rpc.Rpc;
import io.gatehouse.console.rpc.RpcAnswers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * What analytics-svc measured: each query's parameters are its request's fields ({@code
 * /api/v1/metrics?target.virtual_service=web&metrics=METRIC_REQUESTS&range.start_time=...}).
 */
@Controller("/api/v1")
final class AnalyticsController {
  private static final String QUERY = "gatehouse.analytics.v1.AnalyticsQuery/";
  private final RpcAnswers answers;

  AnalyticsController(RpcAnswers answers) {
    this.answers = answers;
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
