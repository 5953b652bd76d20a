package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the platform tests do to a running platform: post apps, apply policy, send requests. */
final class PlatformCalls {
  private final RunningPlatform platform;
  private final HttpClient http = HttpClient.newHttpClient();

  PlatformCalls(RunningPlatform platform) {
    this.platform = platform;
  }

  /**
   * Posts an app of one task with {@code servicePort} (given, so that no other test's service port
   * is taken by Marathon's allocation) and the avi_proxy {@code virtualService}.
   */
  void post(String id, int servicePort, String virtualService) throws Exception {
    String label = "{\"virtualservice\": " + virtualService + "}";
    String app =
        """
        {"id": "%s", "instances": 1, "cpus": 0.1, "mem": 32,
         "container": {"type": "DOCKER", "docker": {"image": "avinetworks/server",
           "network": "BRIDGE", "portMappings": [{"containerPort": 80,
           "hostPort": 0, "servicePort": %d, "protocol": "tcp"}]}},
         "labels": {"avi_proxy": %s}}
        """
            .formatted(
                id, servicePort, com.fasterxml.jackson.databind.node.TextNode.valueOf(label));
    postApp(app);
  }

  /** Posts the app definition {@code app} to Marathon. */
  void postApp(String app) throws Exception {
    HttpResponse<String> posted =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + platform.marathonPort + "/v2/apps"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(app))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
  }

  /**
   * The task that answered a GET on {@code agent}'s {@code port} for {@code host}; "" on failure.
   */
  static String servedBy(String agent, int port, String path, String host) {
    return header(get(agent, port, path, host, ""), "x-served-by");
  }

  /**
   * The raw answer to a GET of {@code path} on {@code agent}'s {@code port} for {@code host}, with
   * {@code headers} (each line ending in CRLF); "" on failure.
   */
  static String get(String agent, int port, String path, String host, String headers) {
    try (Socket socket = new Socket(agent, port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\n"
                  + headers
                  + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException notYet) {
      return "";
    }
  }

  /** The value of header {@code name} (lowercase) in a raw {@code answer}; "" when absent. */
  static String header(String answer, String name) {
    return answer
        .lines()
        .takeWhile(line -> !line.isEmpty())
        .filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith(name + ":"))
        .map(line -> line.substring(name.length() + 1).strip())
        .findFirst()
        .orElse("");
  }

  /** The status code of a raw {@code answer}; 0 when there is none. */
  static int status(String answer) {
    try {
      return answer.startsWith("HTTP/1.1 ") ? Integer.parseInt(answer.substring(9, 12)) : 0;
    } catch (NumberFormatException notHttp) {
      return 0;
    }
  }

  /** Writes {@code yaml} to a file and applies it; the CLI's answer must say {@code applied}. */
  void apply(String file, String yaml, String applied) throws Exception {
    String answer = tryApply(file, yaml);
    assertThat(answer).as(answer).contains(applied + " applied");
  }

  /** Writes {@code yaml} to a file, applies it and returns the CLI's answer. */
  String tryApply(String file, String yaml) throws Exception {
    Path written = Files.writeString(platform.home.resolve(file), yaml);
    return cli("apply", "-f", written.toString());
  }

  /** The CLI's output for {@code args}, against this platform (run in this JVM). */
  String cli(String... args) {
    return InProcessCli.run(platform.cliArgs(args).toArray(String[]::new)).output();
  }
}
