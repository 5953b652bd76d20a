package io.gatehouse.console.apps;

import io.gatehouse.console.rpc.Rpc;
import io.gatehouse.console.rpc.RpcAnswers;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import java.util.Map;

/**
 * discovery-svc through the API: the apps it follows in Marathon (an app by its id, slashes and
 * all: {@code /api/v1/apps/shop/web} is {@code /shop/web}), the nodes of the Mesos cluster, how far
 * its sync has come, and scaling an app through Marathon.
 */
@Controller("/api/v1")
final class AppsController {
  private static final String DISCOVERY = "gatehouse.discovery.v1.DiscoveryService/";
  private final RpcAnswers answers;

  AppsController(RpcAnswers answers) {
    this.answers = answers;
  }

  @Get("/apps")
  @Rpc(DISCOVERY + "ListApps")
  MutableHttpResponse<String> apps(HttpRequest<?> request) {
    return answers.answer(request);
  }

  @Get("/apps/{+app_id}")
  @Rpc(DISCOVERY + "GetApp")
  MutableHttpResponse<String> app(HttpRequest<?> request, @PathVariable("app_id") String appId) {
    return answers.answer(request, Map.of("app_id", "/" + appId), null);
  }

  @Post("/apps/{+app_id}/scale")
  @Rpc(DISCOVERY + "ScaleApp")
  MutableHttpResponse<String> scale(
      HttpRequest<?> request, @PathVariable("app_id") String appId, @Nullable @Body String body) {
    return answers.answer(request, Map.of("app.app_id", "/" + appId), body);
  }

  @Get("/nodes")
  @Rpc(DISCOVERY + "ListNodes")
  MutableHttpResponse<String> nodes(HttpRequest<?> request) {
    return answers.answer(request);
  }

  @Get("/sync-status")
  @Rpc(DISCOVERY + "GetSyncStatus")
  MutableHttpResponse<String> syncStatus(HttpRequest<?> request) {
    return answers.answer(request);
  }

  /**
   * Tries Marathon and Mesos master settings from where discovery-svc runs ({@code marathon_url},
   * {@code marathon_credentials} or {@code marathon_token}, {@code mesos_url}): what each answered
   * or why it could not be reached. A write (it makes discovery-svc connect out): operators only.
   */
  @Post("/connection-test")
  @Rpc(DISCOVERY + "TestConnection")
  MutableHttpResponse<String> testConnection(HttpRequest<?> request, @Nullable @Body String body) {
    return answers.answer(request, Map.of(), body);
  }
}
