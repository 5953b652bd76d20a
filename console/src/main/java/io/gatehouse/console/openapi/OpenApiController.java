package io.gatehouse.console.openapi;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;

/** {@code /api/openapi.yaml}: the API's document, open to anyone (it holds no secret). */
@Controller("/api/openapi.yaml")
final class OpenApiController {
  private final OpenApiDocument document;

  OpenApiController(OpenApiDocument document) {
    this.document = document;
  }

  @Get
  @Produces("application/yaml")
  String document() {
    return document.yaml();
  }
}
