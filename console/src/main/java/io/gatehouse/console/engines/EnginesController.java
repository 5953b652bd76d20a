package io.gatehouse.console.engines;

import io.gatehouse.console.rpc.Rpc;
import io.gatehouse.console.rpc.RpcAnswers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import java.util.Map;

/**
 * The service engines se-manager-svc keeps, their events, redeploying or decommissioning one, and
 * how far each engine has come to the configuration of each virtual service.
 */
@Controller("/api/v1")
final class EnginesController {
  private static final String ADMIN = "gatehouse.semanager.v1.ServiceEngineAdmin/";
  private final RpcAnswers answers;

  EnginesController(RpcAnswers answers) {
    this.answers = answers;
  }

  @Get("/engines")
  @Rpc(ADMIN + "ListServiceEngines")
  MutableHttpResponse<String> engines(HttpRequest<?> request) {
    return answers.answer(request);
  }

  @Get("/engines/{id}")
  @Rpc(ADMIN + "GetServiceEngine")
  MutableHttpResponse<String> engine(HttpRequest<?> request, @PathVariable String id) {
    return answers.answer(request, Map.of("id", id), null);
  }

  @Get("/engines/{id}/events")
  @Rpc(ADMIN + "ListServiceEngineEvents")
  MutableHttpResponse<String> events(HttpRequest<?> request, @PathVariable String id) {
    return answers.answer(request, Map.of("se_id", id), null);
  }

  @Post("/engines/{id}/redeploy")
  @Rpc(ADMIN + "RedeployServiceEngine")
  MutableHttpResponse<String> redeploy(HttpRequest<?> request, @PathVariable String id) {
    return answers.answer(request, Map.of("id", id), null);
  }

  @Post("/engines/{id}/decommission")
  @Rpc(ADMIN + "DecommissionServiceEngine")
  MutableHttpResponse<String> decommission(HttpRequest<?> request, @PathVariable String id) {
    return answers.answer(request, Map.of("id", id), null);
  }

  @Get("/convergence")
  @Rpc(ADMIN + "GetConvergence")
  MutableHttpResponse<String> convergence(HttpRequest<?> request) {
    return answers.answer(request);
  }
}
