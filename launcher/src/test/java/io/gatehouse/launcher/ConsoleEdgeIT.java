package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The console through {@code gatehouse up}: its address and one-time setup code are printed, its
 * HTTPS certificate is trusted through the CA in its state folder, the setup code makes the admin
 * account, the admin logs in and reads the demo app's pool from policy-svc through the console.
 */
@Order(1)
class ConsoleEdgeIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theSetupCodeGatehouseUpPrintsMakesTheAdminWhoLogsIn() throws Exception {
    RunningPlatform platform = RunningPlatform.shared();
    String output = platform.output();
    assertThat(output).contains("console:   https://127.0.0.1:" + platform.consolePort + "/api/v1");
    java.util.regex.Matcher printed =
        java.util.regex.Pattern.compile("one-time setup code ([A-Z0-9-]{24})").matcher(output);
    assertThat(printed.find()).as(output).isTrue();

    Path console = platform.home.resolve("console");
    HttpClient https =
        HttpClient.newBuilder().sslContext(trusting(console.resolve("tls/ca.pem"))).build();
    HttpResponse<String> setup =
        post(
            https,
            platform,
            "/api/v1/setup",
            JSON.createObjectNode()
                .put("setup_code", printed.group(1))
                .put("name", "admin")
                .put("password", "a long walkthrough password"));
    assertThat(setup.statusCode()).as(setup.body()).isEqualTo(201);
    assertThat(console.resolve("setup-code")).doesNotExist();

    HttpResponse<String> login =
        post(
            https,
            platform,
            "/api/v1/session",
            JSON.createObjectNode()
                .put("name", "admin")
                .put("password", "a long walkthrough password"));
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    JsonNode session = JSON.readTree(login.body());
    assertThat(session.path("role").asText()).isEqualTo("admin");
    assertThat(session.path("csrf_token").asText()).isNotEmpty();

    // the console reads policy-svc over the services' TLS: the demo app's pool, from its labels
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    HttpResponse<String> pools =
        https.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "https://127.0.0.1:"
                            + platform.consolePort
                            + "/api/v1/policy/pool?source=marathon-app"))
                .header("Cookie", cookie)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(pools.statusCode()).as(pools.body()).isEqualTo(200);
    assertThat(JSON.readTree(pools.body()).path("pools").findValuesAsText("marathon_app_id"))
        .contains("/webappew1");
  }

  private static HttpResponse<String> post(
      HttpClient https, RunningPlatform platform, String path, JsonNode body) throws Exception {
    return https.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + platform.consolePort + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext trusting(Path ca) throws Exception {
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
    }
  }
}
