package io.gatehouse.console.web;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * The headers every answer of the console carries, its pages' first of all. Scripts, styles and
 * connections come from the console itself only (no inline script runs, so a value that slipped
 * into a page unquoted would still not run); no other site may frame it; the browser keeps to HTTPS
 * and never sniffs a type; and a page revalidates before it is reused, so an upgrade shows at once.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class PageHeaders {
  /**
   * The one stylesheet Cytoscape.js puts in the page (the same text in every page), allowed by its
   * hash rather than every inline style; the browser tests fail on any style the policy refuses, so
   * a new version's stylesheet shows there.
   */
  private static final String CYTOSCAPE_STYLESHEET =
      "sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8=";

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self' '"
          + CYTOSCAPE_STYLESHEET
          + "'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  @ResponseFilter
  void secure(HttpRequest<?> request, MutableHttpResponse<?> response) {
    response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.header("X-Content-Type-Options", "nosniff");
    response.header("X-Frame-Options", "DENY");
    response.header("Referrer-Policy", "no-referrer");
    response.header("Strict-Transport-Security", "max-age=31536000");
    if (!request.getPath().startsWith("/api/")) { // the API's answers are never stored
      response.header(HttpHeaders.CACHE_CONTROL, "no-cache");
    }
  }
}
