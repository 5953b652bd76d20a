package io.gatehouse.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Changes a marathon-sim through its REST API in tests; every call must succeed. */
public final class SimClient {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;
  private final String credentials;

  public SimClient(String baseUrl) {
    this(baseUrl, null);
  }

  /** A client of a marathon-sim that asks for HTTP Basic {@code credentials} ("user:password"). */
  public SimClient(String baseUrl, String credentials) {
    this.baseUrl = baseUrl;
    this.credentials = credentials;
  }

  public void post(String path, String body) {
    send("POST", path, body);
  }

  public void put(String path, String body) {
    send("PUT", path, body);
  }

  public void delete(String path) {
    send("DELETE", path, null);
  }

  private void send(String method, String path, String body) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
      if (credentials != null) {
        request.header(
            "Authorization",
            "Basic "
                + java.util.Base64.getEncoder()
                    .encodeToString(credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      HttpResponse<String> response =
          http.send(
              request
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .method(
                      method,
                      body == null
                          ? HttpRequest.BodyPublishers.noBody()
                          : HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode())
          .as(method + " " + path + ": " + response.body())
          .isLessThan(300);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
