package io.gatehouse.console.cluster;

import io.gatehouse.console.rpc.Rpc;
import io.gatehouse.console.rpc.RpcAnswers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * Which replica leads each duty done once in the cluster, per service: discovery-svc's policy
 * writer, se-manager-svc's reconciler, analytics-svc's autoscaler. The replica that answers is
 * named too, and every replica names the same leader once it has looked (within an election
 * interval, 2 s).
 */
@Controller("/api/v1/leaders")
final class LeadersController {
  private final RpcAnswers answers;

  LeadersController(RpcAnswers answers) {
    this.answers = answers;
  }

  @Get("/discovery")
  @Rpc("gatehouse.discovery.v1.DiscoveryService/GetLeaders")
  MutableHttpResponse<String> discovery(HttpRequest<?> request) {
    return answers.answer(request);
  }

  @Get("/se-manager")
  @Rpc("gatehouse.semanager.v1.ServiceEngineAdmin/GetLeaders")
  MutableHttpResponse<String> seManager(HttpRequest<?> request) {
    return answers.answer(request);
  }

  @Get("/analytics")
  @Rpc("gatehouse.analytics.v1.AnalyticsQuery/GetLeaders")
  MutableHttpResponse<String> analytics(HttpRequest<?> request) {
    return answers.answer(request);
  }
}
