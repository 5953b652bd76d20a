package io.gatehouse.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.discovery.internal.BoundedBody;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Marathon's REST API, as discovery-svc uses it. Authenticates with HTTP Basic ({@code
 * --http_credentials}) or a DC/OS token ({@code Authorization: token=...}); the base URL may carry
 * a prefix such as {@code /service/marathon}. Redirects are followed, since a standby Marathon
 * answers the event stream with a 302 to the leader.
 */
public final class MarathonClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APPS_EMBED =
      "/v2/apps?embed=apps.tasks&embed=apps.deployments&embed=apps.counts";

  /** Where Marathon is and how to authenticate. */
  public record Endpoint(
      URI baseUrl, String basicCredentials, String dcosToken, Duration requestTimeout) {
    /** A base URL without credentials, with a 10 s request timeout. */
    public static Endpoint of(String baseUrl) {
      return new Endpoint(URI.create(baseUrl), null, null, Duration.ofSeconds(10));
    }
  }

  /** Marathon's answer to a change. */
  public record Change(String deploymentId, String version) {}

  private volatile Endpoint endpoint;
  private final HttpClient http;

  public MarathonClient(Endpoint endpoint) {
    this.endpoint = endpoint;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** Every app with its tasks, deployments and counts (the full sync). */
  public List<MarathonApp> apps() {
    JsonNode body = getJson(APPS_EMBED);
    List<MarathonApp> apps = new ArrayList<>();
    body.path("apps").forEach(app -> apps.add(AppParser.parse(app)));
    return apps;
  }

  /** One app with its tasks; empty when Marathon says it does not exist. */
  public Optional<MarathonApp> app(String appId) {
    HttpResponse<String> response = send(request(path(appId) + "?embed=app.tasks").GET());
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    return Optional.of(AppParser.parse(check(response).path("app")));
  }

  /** Sets an app's instances; a running deployment is a {@link DeploymentLockedException}. */
  public Change scale(String appId, int instances) {
    String body = "{\"instances\":" + instances + "}";
    HttpResponse<String> response =
        send(
            request(path(appId))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    JsonNode json = check(response);
    return new Change(json.path("deploymentId").asText(), json.path("version").asText());
  }

  /** Marathon's version and its leader, from {@code /v2/info}. */
  public record Info(String version, String leader) {}

  /** What Marathon says of itself ({@code /v2/info}); an error unless it answers as Marathon. */
  public Info info() {
    JsonNode info = getJson("/v2/info");
    if (!info.path("version").isTextual()) {
      throw new MarathonException(200, "the answer of " + baseUrl() + "/v2/info is not Marathon's");
    }
    return new Info(info.path("version").asText(), info.path("leader").asText(""));
  }

  /** How many apps Marathon runs. */
  public int appCount() {
    return getJson("/v2/apps").path("apps").size();
  }

  /** The leader, "host:port". */
  public String leader() {
    return getJson("/v2/leader").path("leader").asText();
  }

  /**
   * Opens the event stream; the caller reads and closes the body. {@code Accept} is exactly {@code
   * text/event-stream}: Marathon's Jetty answers anything else with 405.
   */
  public InputStream events() {
    Endpoint at = endpoint;
    HttpRequest request =
        authorize(HttpRequest.newBuilder(URI.create(base(at) + "/v2/events")), at)
            // bounds the wait for the response headers only; the body then streams for as long
            // as Marathon keeps it open
            .timeout(at.requestTimeout())
            .header("Accept", "text/event-stream")
            .GET()
            .build();
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        String text = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        response.body().close();
        throw error(response.statusCode(), text);
      }
      return response.body();
    } catch (IOException e) {
      throw new MarathonException(
          "event stream at " + base(at) + " unreachable: " + MarathonException.reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MarathonException("interrupted", e);
    }
  }

  /** Where Marathon is now, and how to authenticate. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** Talks to Marathon at {@code endpoint} from now on (calls under way finish where they are). */
  public void retarget(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** The base URL, for status reports. */
  public String baseUrl() {
    return base(endpoint);
  }

  /** The base URL of {@code endpoint}, without a trailing slash. */
  private static String base(Endpoint endpoint) {
    return endpoint.baseUrl().toString().replaceAll("/+$", "");
  }

  private JsonNode getJson(String pathAndQuery) {
    return check(send(request(pathAndQuery).GET()));
  }

  /** A request of the Marathon the client is set to now: its URL and its credentials. */
  private HttpRequest.Builder request(String pathAndQuery) {
    Endpoint at = endpoint;
    return authorize(HttpRequest.newBuilder(URI.create(base(at) + pathAndQuery)), at)
        .timeout(at.requestTimeout())
        .header("Accept", "application/json");
  }

  private static HttpRequest.Builder authorize(HttpRequest.Builder request, Endpoint endpoint) {
    if (endpoint.dcosToken() != null) {
      request.header("Authorization", "token=" + endpoint.dcosToken());
    } else if (endpoint.basicCredentials() != null) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(endpoint.basicCredentials().getBytes(StandardCharsets.UTF_8)));
    }
    return request;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), BoundedBody.ofString());
    } catch (IOException e) {
      throw new MarathonException(
          "Marathon at " + baseUrl() + " unreachable: " + MarathonException.reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MarathonException("interrupted", e);
    }
  }

  private JsonNode check(HttpResponse<String> response) {
    if (response.statusCode() / 100 != 2) {
      throw error(response.statusCode(), response.body());
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new MarathonException(
          response.statusCode(), "Marathon answered something that is not JSON");
    }
  }

  private MarathonException error(int status, String body) {
    String message = body;
    List<String> deployments = new ArrayList<>();
    try {
      JsonNode json = JSON.readTree(body);
      message = json.path("message").asText(body);
      json.path("deployments").forEach(d -> deployments.add(d.path("id").asText()));
    } catch (IOException notJson) {
      // HTML error pages (Jetty's 404/405) keep their text
    }
    if (status == 409 && !deployments.isEmpty()) {
      return new DeploymentLockedException(message, deployments);
    }
    if (status == 401 || status == 403) {
      return new MarathonException(
          status, "Marathon refused the credentials (" + status + "): " + message);
    }
    return new MarathonException(status, "Marathon answered " + status + ": " + message);
  }

  /**
   * The URL path of an app: each segment of its id percent-encoded, so that no id reaches another
   * Marathon resource ({@code ..}, a query, a fragment).
   */
  static String path(String appId) {
    String id = appId.startsWith("/") ? appId.substring(1) : appId;
    StringBuilder path = new StringBuilder("/v2/apps");
    for (String segment : id.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new MarathonException(400, "\"" + appId + "\" is not a Marathon app id");
      }
      path.append('/')
          .append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return path.toString();
  }
}
