package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testsupport.ConsoleClient;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The web console's pages come from the console's own jar: the page, every script it loads and
 * every module those import (followed from the page, so a renamed file or a library's new version
 * fails here, not in an operator's browser), each with its type and the headers that keep a browser
 * from running anything else on them. Behaviour is tested in a real browser on the platform
 * (ConsoleEdgeIT, ConsoleBrowserIT).
 */
@MicronautTest
class WebPagesIT extends RunningConsole {
  private static final Pattern REFERENCES =
      Pattern.compile("(?:src|href)=\"(/[^\"]+)\"|from '(\\.{1,2}/[^']+)'");

  @Test
  void thePageAndEverythingItLoadsAreServedFromTheJarWithTheirHeaders() throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(ConsoleClient.trusting(stateDir.resolve("tls/ca.pem")))
            .build();
    HttpResponse<String> page = get(http, "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("<main id=\"main\"");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp ->
                assertThat(csp)
                    .contains("script-src 'self'")
                    .contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe"));
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Strict-Transport-Security")).isPresent();

    Set<String> served = new HashSet<>();
    Deque<String> toFetch = new ArrayDeque<>(references("/", page.body()));
    while (!toFetch.isEmpty()) {
      String path = toFetch.pop();
      if (!served.add(path)) {
        continue;
      }
      HttpResponse<String> asset = get(http, path);
      assertThat(asset.statusCode()).as(path).isEqualTo(200);
      String type = asset.headers().firstValue("Content-Type").orElse("");
      if (path.endsWith(".js")) {
        assertThat(type).as(path).contains("javascript");
        toFetch.addAll(references(path, asset.body()));
      } else if (path.endsWith(".css")) {
        assertThat(type).as(path).startsWith("text/css");
      }
    }
    assertThat(served)
        .contains(
            "/assets/js/main.js",
            "/assets/js/pages/virtual-service.js",
            "/vendor/uplot/1.6.30/dist/uPlot.iife.min.js",
            "/vendor/cytoscape/3.33.1/dist/cytoscape.min.js");

    // the API keeps its own rules: not stored, and a missing page is not the console's page
    HttpResponse<String> api = get(http, "/api/v1/setup");
    assertThat(api.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(get(http, "/assets/js/no-such-page.js").statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(HttpClient http, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The absolute paths a page or module refers to. */
  private static Set<String> references(String from, String text) {
    Set<String> found = new HashSet<>();
    Matcher m = REFERENCES.matcher(text);
    while (m.find()) {
      found.add(m.group(1) != null ? m.group(1) : URI.create(from).resolve(m.group(2)).getPath());
    }
    return found;
  }
}
