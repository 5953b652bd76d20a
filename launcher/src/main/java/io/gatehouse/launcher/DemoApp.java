package io.gatehouse.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** The demo app {@code gatehouse up} posts: webappew1, two tasks of the demo web server. */
final class DemoApp {
  private DemoApp() {}

  /**
   * Posts the demo app to the Marathon on {@code marathonPort} unless it has it; its service port.
   */
  static String post(int marathonPort) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String marathon = "http://127.0.0.1:" + marathonPort;
    HttpResponse<String> existing =
        http.send(
            HttpRequest.newBuilder(URI.create(marathon + "/v2/apps/webappew1")).build(),
            HttpResponse.BodyHandlers.ofString());
    if (existing.statusCode() == 404) {
      String demo;
      try (InputStream in = DemoApp.class.getResourceAsStream("/demo-app.json")) {
        demo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      HttpResponse<String> posted =
          http.send(
              HttpRequest.newBuilder(URI.create(marathon + "/v2/apps"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(demo))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (posted.statusCode() / 100 != 2) {
        throw new IOException("marathon-sim refused the demo app: " + posted.body());
      }
    }
    return "10001";
  }
}
