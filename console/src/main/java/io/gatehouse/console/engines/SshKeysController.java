package io.gatehouse.console.engines;

import io.gatehouse.console.rpc.Rpc;
import io.gatehouse.console.rpc.RpcAnswers;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import java.util.Map;

/**
 * The SSH keys se-manager-svc deploys engines with: imported or generated there, listed with their
 * public halves only (a private key, once given, is never answered), and deleted.
 */
@Controller("/api/v1/ssh-keys")
final class SshKeysController {
  private static final String ADMIN = "gatehouse.semanager.v1.ServiceEngineAdmin/";
  private final RpcAnswers answers;

  SshKeysController(RpcAnswers answers) {
    this.answers = answers;
  }

  @Get
  @Rpc(ADMIN + "ListSshKeys")
  MutableHttpResponse<String> keys(HttpRequest<?> request) {
    return answers.answer(request);
  }

  @Post
  @Rpc(ADMIN + "ImportSshKey")
  MutableHttpResponse<String> importKey(HttpRequest<?> request, @Nullable @Body String body) {
    return answers.answer(request, Map.of(), body).status(HttpStatus.CREATED);
  }

  @Post("/generate")
  @Rpc(ADMIN + "GenerateSshKey")
  MutableHttpResponse<String> generate(HttpRequest<?> request, @Nullable @Body String body) {
    return answers.answer(request, Map.of(), body).status(HttpStatus.CREATED);
  }

  @Delete("/{name}")
  @Rpc(ADMIN + "DeleteSshKey")
  HttpResponse<Void> delete(HttpRequest<?> request, @PathVariable String name) {
    answers.answer(request, Map.of("name", name), null);
    return HttpResponse.noContent();
  }
}
