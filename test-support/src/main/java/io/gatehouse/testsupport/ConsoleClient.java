package io.gatehouse.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The console's API as a browser or a script calls it, over HTTPS trusting only the console's CA:
 * it keeps the session cookie it is given and sends the CSRF token when told to. Every call any
 * client of the JVM makes is noted ({@link #calls()}), for the check that every operation of the
 * API document is exercised.
 */
public final class ConsoleClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CALLS = ConcurrentHashMap.newKeySet();
  private final int port;
  private final HttpClient http;
  private String cookie; // "name=value" of the session cookie, once logged in
  private String csrf;
  private String bearer;

  public ConsoleClient(int port, Path ca) {
    this.port = port;
    this.http = HttpClient.newBuilder().sslContext(trusting(ca)).build();
  }

  /** An answer: status, headers, and the body as JSON (null when empty). */
  public record Answer(int status, java.net.http.HttpHeaders headers, JsonNode body) {
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /** Logs in as {@code name}; keeps the cookie and the CSRF token. */
  public Answer login(String name, String password) {
    Answer answer =
        send(
            "POST",
            "/api/v1/session",
            JSON.createObjectNode().put("name", name).put("password", password));
    if (answer.status() == 200) {
      cookie = answer.header("Set-Cookie").split(";", 2)[0];
      csrf = answer.body().path("csrf_token").asText();
    }
    return answer;
  }

  /** From now on, calls bring {@code token} as a bearer token instead of the cookie. */
  public ConsoleClient withToken(String token) {
    this.bearer = token;
    return this;
  }

  /** Every call made by the clients of this JVM so far, as {@code METHOD /path} (no query). */
  public static Set<String> calls() {
    return Set.copyOf(CALLS);
  }

  public String csrf() {
    return csrf;
  }

  public Answer get(String path) {
    return send("GET", path, null);
  }

  /** The body of {@code GET path} as it is (for what is not JSON); an error unless 200. */
  public String getText(String path) {
    note("GET", path);
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A write with the session's CSRF token (when there is a session). */
  public Answer send(String method, String path, JsonNode body) {
    return send(method, path, body, csrf);
  }

  /** A call whose body is {@code raw} as it is, sent as JSON. */
  public Answer sendRaw(String method, String path, String raw) {
    return send(method, path, raw, csrf, null);
  }

  /** A write with {@code csrfToken} in X-CSRF-Token (none when null). */
  public Answer send(String method, String path, JsonNode body, String csrfToken) {
    return send(method, path, body == null ? null : body.toString(), csrfToken, null);
  }

  /** A write with {@code csrfToken}, and {@code ifMatch} in If-Match. */
  public Answer send(String method, String path, JsonNode body, String csrfToken, String ifMatch) {
    return send(method, path, body == null ? null : body.toString(), csrfToken, ifMatch);
  }

  private Answer send(String method, String path, String body, String csrfToken, String ifMatch) {
    note(method, path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    List<String> headers = new ArrayList<>();
    if (bearer != null) {
      headers.add("Authorization");
      headers.add("Bearer " + bearer);
    } else if (cookie != null) {
      headers.add("Cookie");
      headers.add(cookie);
    }
    if (csrfToken != null) {
      headers.add("X-CSRF-Token");
      headers.add(csrfToken);
    }
    if (ifMatch != null) {
      headers.add("If-Match");
      headers.add(ifMatch);
    }
    for (int i = 0; i < headers.size(); i += 2) {
      request.header(headers.get(i), headers.get(i + 1));
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode parsed = response.body().isEmpty() ? null : JSON.readTree(response.body());
      return new Answer(response.statusCode(), response.headers(), parsed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One server-sent event. */
  public record Event(String id, String name, String data) {}

  /** A server-sent event stream being read; closing it ends the request. */
  public final class Events implements AutoCloseable {
    private final java.util.concurrent.BlockingQueue<Event> events =
        new java.util.concurrent.LinkedBlockingQueue<>();
    private final InputStream body;

    Events(InputStream body) {
      this.body = body;
      Thread reader = new Thread(this::read, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next event, waiting up to 10 s; null when none came. */
    public Event next() throws InterruptedException {
      return events.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void read() {
      try (java.io.BufferedReader lines =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(body, java.nio.charset.StandardCharsets.UTF_8))) {
        String id = null;
        String name = null;
        StringBuilder data = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.isEmpty()) {
            if (data.length() > 0) {
              events.add(new Event(id, name, data.toString()));
            }
            id = null;
            name = null;
            data.setLength(0);
          } else if (line.startsWith("id:")) {
            id = line.substring(3).strip();
          } else if (line.startsWith("event:")) {
            name = line.substring(6).strip();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).strip());
          }
        }
      } catch (IOException closed) {
        // the stream ended
      }
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  /** Opens the event stream at {@code path}, resuming after {@code lastEventId} when not null. */
  public Events events(String path, String lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
            .header("Accept", "text/event-stream");
    note("GET", path);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    } else if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      HttpResponse<InputStream> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "the event stream answered "
                + response.statusCode()
                + ": "
                + new String(
                    response.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
      return new Events(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void note(String method, String path) {
    int query = path.indexOf('?');
    CALLS.add(method + " " + (query < 0 ? path : path.substring(0, query)));
  }

  public static com.fasterxml.jackson.databind.node.ObjectNode json() {
    return JSON.createObjectNode();
  }

  /** A TLS context that trusts the CA in {@code ca} (PEM) and nothing else. */
  public static SSLContext trusting(Path ca) {
    try (InputStream in = Files.newInputStream(ca)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry(
          "console-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
