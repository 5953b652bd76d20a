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
import java.util.function.UnaryOperator;

/**
 * Marathon's REST API, as discovery-svc uses it. Authenticates with HTTP Basic ({@code
 * --http_credentials}) or a DC/OS token ({@code Authorization: token=...}); the base URL may carry
 * a prefix such as {@code /service/marathon}. Redirects are followed, since a standby Marathon
 * answers the event stream with a 302 to the leader. With the base URLs of several Marathon
 * masters, a call goes to the one that answered last and, when it is unreachable, to the next.
 */
public final class MarathonClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APPS_EMBED =
      "/v2/apps?embed=apps.tasks&embed=apps.deployments&embed=apps.counts";

  /** Where Marathon is (one base URL, or one per master) and how to authenticate. */
  public record Endpoint(
      List<URI> baseUrls, String basicCredentials, String dcosToken, Duration requestTimeout) {
    public Endpoint {
      baseUrls = List.copyOf(baseUrls);
      if (baseUrls.isEmpty()) {
        throw new IllegalArgumentException("Marathon needs a base URL");
      }
    }

    /** One Marathon base URL. */
    public Endpoint(URI baseUrl, String basicCredentials, String dcosToken, Duration timeout) {
      this(List.of(baseUrl), basicCredentials, dcosToken, timeout);
    }

    /** A base URL without credentials, with a 10 s request timeout. */
    public static Endpoint of(String baseUrl) {
      return new Endpoint(URI.create(baseUrl), null, null, Duration.ofSeconds(10));
    }
  }

  /** Marathon's answer to a change. */
  public record Change(String deploymentId, String version) {}

  private volatile Endpoint endpoint;
  private volatile int current; // the base URL of endpoint that answered last
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
    HttpResponse<String> response =
        send(path(appId) + "?embed=app.tasks", HttpRequest.Builder::GET);
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
            path(appId),
            request ->
                request
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
    IOException failure = null;
    for (int i : order(at)) {
      HttpRequest request =
          authorize(HttpRequest.newBuilder(URI.create(base(at, i) + "/v2/events")), at)
              // bounds the wait for the response headers only; the body then streams for as long
              // as Marathon keeps it open
              .timeout(at.requestTimeout())
              .header("Accept", "text/event-stream")
              .GET()
              .build();
      HttpResponse<InputStream> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        failure = e;
        continue; // the next master
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MarathonException("interrupted", e);
      }
      answered(at, i);
      if (response.statusCode() != 200) {
        String text = readQuietly(response.body());
        throw error(response.statusCode(), text);
      }
      return response.body();
    }
    throw new MarathonException(
        "event stream at " + bases(at) + " unreachable: " + MarathonException.reason(failure),
        failure);
  }

  private static String readQuietly(InputStream body) {
    try (body) {
      return new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Where Marathon is now, and how to authenticate. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** Talks to Marathon at {@code endpoint} from now on (calls under way finish where they are). */
  public void retarget(Endpoint endpoint) {
    this.current = 0;
    this.endpoint = endpoint;
  }

  /** The base URL calls go to first (the one that answered last), for status reports. */
  public String baseUrl() {
    Endpoint at = endpoint;
    return base(at, order(at)[0]);
  }

  /** The indexes of {@code at}'s base URLs in the order to try them: the last to answer first. */
  private int[] order(Endpoint at) {
    int n = at.baseUrls().size();
    int first = Math.floorMod(current, n);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (first + i) % n;
    }
    return order;
  }

  /** Base URL {@code i} of {@code at} answered: calls go there first from now on. */
  private void answered(Endpoint at, int i) {
    if (endpoint == at) {
      current = i;
    }
  }

  /** Base URL {@code i} of {@code endpoint}, without a trailing slash. */
  private static String base(Endpoint endpoint, int i) {
    return endpoint.baseUrls().get(i).toString().replaceAll("/+$", "");
  }

  /** Every base URL of {@code endpoint}, for an error. */
  private static String bases(Endpoint endpoint) {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < endpoint.baseUrls().size(); i++) {
      all.add(base(endpoint, i));
    }
    return String.join(", ", all);
  }

  private JsonNode getJson(String pathAndQuery) {
    return check(send(pathAndQuery, HttpRequest.Builder::GET));
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

  /**
   * Sends a request for {@code pathAndQuery} ({@code method} sets its method and body) to the
   * Marathon the client is set to now, with its credentials: to the master that answered last, and
   * to the next while one is unreachable.
   */
  private HttpResponse<String> send(
      String pathAndQuery, UnaryOperator<HttpRequest.Builder> method) {
    Endpoint at = endpoint;
    IOException failure = null;
    for (int i : order(at)) {
      HttpRequest.Builder request =
          authorize(HttpRequest.newBuilder(URI.create(base(at, i) + pathAndQuery)), at)
              .timeout(at.requestTimeout())
              .header("Accept", "application/json");
      try {
        HttpResponse<String> response =
            http.send(method.apply(request).build(), BoundedBody.ofString());
        answered(at, i);
        return response;
      } catch (IOException e) {
        failure = e; // the next master
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MarathonException("interrupted", e);
      }
    }
    throw new MarathonException(
        "Marathon at " + bases(at) + " unreachable: " + MarathonException.reason(failure), failure);
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
