package io.gatehouse.sim;

import io.gatehouse.sim.http.HttpExchange;
import io.gatehouse.sim.http.HttpServer;
import io.gatehouse.sim.http.Router;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A standby Marathon master beside the simulator's leader: like Marathon 1.7+, it answers {@code
 * /v2/events} with a 302 to the leader and proxies every other request to it. Clients pointed at a
 * standby (a load balancer in front of all masters, or a stale address) must follow the redirect.
 */
public final class StandbyMarathon implements AutoCloseable {
  private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};

  private final HttpServer server;
  private final String leaderUrl;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private StandbyMarathon(String bindAddress, String leaderUrl, String credentials)
      throws InterruptedException {
    this.leaderUrl = leaderUrl;
    Router router = new Router().add("GET", "/v2/events", this::redirect);
    for (String method : METHODS) {
      router.add(method, "/.*", this::proxy);
    }
    this.server =
        HttpServer.start(new InetSocketAddress(bindAddress, 0), router, credentials, "Mesosphere");
  }

  static StandbyMarathon start(String bindAddress, String leaderUrl, String credentials) {
    try {
      return new StandbyMarathon(bindAddress, leaderUrl, credentials);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting a standby", e);
    }
  }

  /** The standby's base URL. */
  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  private void redirect(HttpExchange exchange) {
    exchange.empty(302, Map.of("Location", leaderUrl + exchange.uri()));
  }

  private void proxy(HttpExchange exchange) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(leaderUrl + exchange.uri()))
            .timeout(Duration.ofSeconds(30))
            .method(
                exchange.method(),
                exchange.body().isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(exchange.body()));
    for (String header : new String[] {"Authorization", "Content-Type", "Accept"}) {
      if (exchange.header(header) != null) {
        request.header(header, exchange.header(header));
      }
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      exchange.text(
          response.statusCode(),
          response.body(),
          response.headers().firstValue("Content-Type").orElse("application/json"));
    } catch (IOException e) {
      exchange.text(502, "{\"message\":\"leader unreachable\"}", "application/json");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.text(503, "{\"message\":\"standby stopping\"}", "application/json");
    }
  }

  /** Stops the standby; once, however often called. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.close();
    }
  }
}
