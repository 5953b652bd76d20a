package io.gatehouse.semanager.driver.marathon;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.semanager.driver.DriverException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Writes secrets through the DC/OS Secrets API ({@code <url>/secret/<store>/<path>}), where
 * Marathon's secrets plugin reads the values of an app's {@code secrets}: {@code PUT} creates a
 * secret, and {@code PATCH} replaces it when it exists (409). Every call carries {@code
 * Authorization: token=<token>}; the token never appears in a message or a log.
 */
public final class SecretStore {
  private static final ObjectMapper json = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

  private final URI url;
  private final String store;
  private final String token;
  private final HttpClient http;

  /**
   * @param url the Secrets API, e.g. {@code https://master.mesos/secrets/v1}
   * @param store the store's name ({@code default} in DC/OS)
   * @param token the token the API asks for
   */
  public SecretStore(URI url, String store, String token) {
    this.url = url;
    this.store = store;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  /**
   * Whether {@code path} is one the store accepts: words of [A-Za-z0-9._-] separated by /, none of
   * them {@code .} or {@code ..}.
   */
  public static boolean validPath(String path) {
    if (!PATH.matcher(path).matches()) {
      return false;
    }
    for (String word : path.split("/")) {
      if (word.equals(".") || word.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** Stores {@code value} at {@code path}, creating the secret or replacing its value. */
  public void write(String path, String value) throws DriverException {
    if (!validPath(path)) {
      throw new DriverException(
          "secret path " + path + " is not words of [A-Za-z0-9._-] (nor . or ..)");
    }
    String body = json.createObjectNode().put("value", value).toString();
    int created = send("PUT", path, body);
    if (created == 201 || created == 200) {
      return;
    }
    if (created != 409) {
      throw new DriverException(refused("create", path, created));
    }
    int replaced = send("PATCH", path, body);
    if (replaced != 204 && replaced != 200) {
      throw new DriverException(refused("replace", path, replaced));
    }
  }

  private String refused(String what, String path, int status) {
    return "could not "
        + what
        + " secret "
        + path
        + ": the secret store at "
        + url
        + " answered "
        + status
        + (status == 401 || status == 403 ? " (is the secret store token right?)" : "");
  }

  private int send(String method, String path, String body) throws DriverException {
    StringBuilder encoded = new StringBuilder();
    for (String word : path.split("/")) {
      encoded.append('/').append(URLEncoder.encode(word, StandardCharsets.UTF_8));
    }
    URI target =
        URI.create(
            url.toString().replaceAll("/+$", "")
                + "/secret/"
                + URLEncoder.encode(store, StandardCharsets.UTF_8)
                + encoded);
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Authorization", "token=" + token)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new DriverException("the secret store at " + url + " does not answer: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted", e);
    }
  }
}
