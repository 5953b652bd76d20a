package io.gatehouse.semanager.driver.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.api.policy.v1.AttributeMatch;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.semanager.driver.DriverException;
import io.gatehouse.semanager.driver.EngineSpec;
import io.gatehouse.semanager.driver.GroupDriver;
import io.gatehouse.semanager.driver.ManagerAddress;
import io.gatehouse.semanager.driver.ShellWords;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a group's engines as one Marathon app (default {@code /gatehouse/service-engine}, {@code
 * /gatehouse/service-engine-<group>} for other groups): host networking, no ports of its own (an
 * engine binds the service ports itself), {@code hostname:UNIQUE}, the group's placement as {@code
 * LIKE}/{@code UNLIKE} attribute constraints, and as many instances as eligible agents. Marathon
 * places, restarts and replaces the tasks; the driver only writes the app when it differs, and
 * never forces a change past a running deployment (a 409 is retried on the next pass).
 *
 * <p>The engines' group credential is one of Marathon's secrets ({@link GroupCredentials}): the
 * app's environment refers to it, and Marathon's secrets plugin fills it in from the secret store
 * when a task starts.
 *
 * <p>The command runs in the task's shell, so the engine's id is {@code <group>@$HOST}: Marathon's
 * {@code HOST} is the agent's hostname, the same id the reconciler plans.
 */
public final class MarathonDriver implements GroupDriver {
  private static final Logger log = LoggerFactory.getLogger(MarathonDriver.class);
  private static final ObjectMapper json = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The engine command of groups that give none: the engine as installed in its image. */
  public static final String DEFAULT_COMMAND =
      "service-engine --control={manager} {control_tls} --se-id={se_id} --se-group={group}"
          + " --hostname={hostname} --admin=127.0.0.1:9180 --state-dir=$MESOS_SANDBOX/state";

  /**
   * @param url Marathon's base URL
   * @param credentials "user:password" for HTTP Basic, or null
   * @param command the engine command template for groups without one of their own
   * @param manager how engines reach se-manager: its address and how they trust it
   * @param engineCredentials the credential of a group's engines, a group credential (it only opens
   *     control streams of engines of that group), kept in the secret store: the app's environment
   *     refers to it as one of Marathon's secrets
   * @param pullConfigs the Docker configs of groups whose image is pulled with registry
   *     credentials, kept in the secret store: the app's pullConfig refers to one
   */
  public record Settings(
      URI url,
      String credentials,
      String command,
      ManagerAddress manager,
      GroupCredentials engineCredentials,
      RegistryPullConfigs pullConfigs) {}

  private final Settings settings;
  private final HttpClient http;

  public MarathonDriver(Settings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL) // a standby master redirects to the leader
            .build();
  }

  @Override
  public String method() {
    return "marathon";
  }

  /** The app that runs the engines of {@code group}. */
  public static String appId(ServiceEngineGroup group) {
    if (!group.getMarathon().getAppId().isEmpty()) {
      return group.getMarathon().getAppId();
    }
    String name = group.getMeta().getName();
    return name.equals("default")
        ? "/gatehouse/service-engine"
        : "/gatehouse/service-engine-" + name;
  }

  @Override
  public void apply(ServiceEngineGroup group, List<EngineSpec> engines) throws DriverException {
    String appId = appId(group);
    settings.engineCredentials().ensure(group.getMeta().getName());
    if (pullsWithCredentials(group)) {
      settings
          .pullConfigs()
          .ensure(
              group.getMeta().getName(),
              group.getImage().getDockerImage(),
              group.getImage().getRegistryCredentials());
    }
    ObjectNode wanted = definition(group, engines.size());
    HttpResponse<String> current = send("GET", "/v2/apps" + appId, null);
    if (current.statusCode() == 404) {
      if (engines.isEmpty()) {
        return;
      }
      expect(send("POST", "/v2/apps", wanted), "create " + appId, 201, 200);
      log.info("Marathon app {} created with {} instances", appId, engines.size());
      return;
    }
    expect(current, "read " + appId, 200);
    JsonNode app = parse(current.body()).path("app");
    if (essentials(app).equals(essentials(wanted))) {
      return;
    }
    expect(send("PUT", "/v2/apps" + appId, wanted), "update " + appId, 200, 201);
    log.info("Marathon app {} updated: {} instances", appId, engines.size());
  }

  @Override
  public void restart(EngineSpec engine) throws DriverException {
    String appId = appId(engine.group());
    HttpResponse<String> tasks = send("GET", "/v2/apps" + appId + "/tasks", null);
    expect(tasks, "list the tasks of " + appId, 200);
    for (JsonNode task : parse(tasks.body()).path("tasks")) {
      if (task.path("host").asText().equals(engine.hostname())) {
        String id = URLEncoder.encode(task.path("id").asText(), StandardCharsets.UTF_8);
        expect(send("DELETE", "/v2/apps" + appId + "/tasks/" + id, null), "kill task " + id, 200);
        return;
      }
    }
    throw new DriverException(appId + " has no task on " + engine.hostname());
  }

  /** The app definition for {@code instances} engines of {@code group}. */
  ObjectNode definition(ServiceEngineGroup group, int instances) {
    String name = group.getMeta().getName();
    String template =
        group.getImage().getCommand().isBlank()
            ? settings.command()
            : group.getImage().getCommand();
    // the task's shell expands HOST (the agent's hostname) when the task starts; in double
    // quotes, so that whatever the agent calls itself stays one word
    java.util.Map<String, String> words = new java.util.LinkedHashMap<>();
    words.put("se_id", ShellWords.quote(EngineSpec.idOf(name, "")) + "\"$HOST\"");
    words.put("group", ShellWords.quote(name));
    words.put("node", "''");
    words.put("hostname", "\"$HOST\"");
    words.put("address", "\"$HOST\"");
    words.put("manager", ShellWords.quote(settings.manager().target()));
    words.put("control_tls", ShellWords.quote(settings.manager().tlsArgument()));
    ObjectNode app = json.createObjectNode();
    app.put("id", appId(group));
    app.put("cmd", EngineSpec.fill(template, words));
    app.put("instances", instances);
    app.put("cpus", group.getResources().getCpus() > 0 ? group.getResources().getCpus() : 1.0);
    app.put(
        "mem", group.getResources().getMemoryMib() > 0 ? group.getResources().getMemoryMib() : 512);
    if (!group.getImage().getDockerImage().isEmpty()) {
      ObjectNode container = app.putObject("container");
      ObjectNode docker =
          container.putObject("docker").put("image", group.getImage().getDockerImage());
      if (pullsWithCredentials(group)) {
        // a pullConfig is the Mesos containerizer's: the Docker one cannot pull with a secret
        container.put("type", "MESOS");
        docker.putObject("pullConfig").put("secret", RegistryPullConfigs.SECRET_NAME);
      } else {
        container.put("type", "DOCKER");
      }
      String caFile = settings.manager().caFile();
      java.nio.file.Path caFolder =
          caFile == null ? null : java.nio.file.Path.of(caFile).getParent();
      if (caFolder != null) { // the engine in its container trusts the CA file of its node
        String folder = caFolder.toString();
        container
            .putArray("volumes")
            .addObject()
            .put("containerPath", folder)
            .put("hostPath", folder)
            .put("mode", "RO");
      }
    }
    app.putArray("networks").addObject().put("mode", "host");
    app.putArray("portDefinitions");
    ArrayNode constraints = app.putArray("constraints");
    constraints.addArray().add("hostname").add("UNIQUE");
    for (AttributeMatch include : group.getPlacement().getIncludeAttributesList()) {
      constraints.addArray().add(include.getName()).add("LIKE").add(regex(include));
    }
    for (AttributeMatch exclude : group.getPlacement().getExcludeAttributesList()) {
      constraints.addArray().add(exclude.getName()).add("UNLIKE").add(regex(exclude));
    }
    // the credential is one of Marathon's secrets: the app names where it is, never what it is
    app.putObject("env")
        .putObject("GATEHOUSE_SE_TOKEN")
        .put("secret", GroupCredentials.SECRET_NAME);
    ObjectNode secrets = app.putObject("secrets");
    secrets
        .putObject(GroupCredentials.SECRET_NAME)
        .put("source", settings.engineCredentials().path(name));
    if (pullsWithCredentials(group)) {
      secrets
          .putObject(RegistryPullConfigs.SECRET_NAME)
          .put("source", settings.pullConfigs().path(name));
    }
    app.putObject("labels").put("gatehouse.se-group", name);
    return app;
  }

  /**
   * Whether the group's image is pulled with registry credentials: the policy follower fills them
   * in from policy-svc's secrets, for groups that have them.
   */
  private static boolean pullsWithCredentials(ServiceEngineGroup group) {
    return !group.getImage().getDockerImage().isEmpty()
        && !group.getImage().getRegistryCredentials().isEmpty();
  }

  private static String regex(AttributeMatch match) {
    return match.getValuesCount() == 0
        ? ".*"
        : match.getValuesList().stream().map(Pattern::quote).collect(Collectors.joining("|"));
  }

  /** The fields the driver sets, as Marathon answers them, to tell whether an update is needed. */
  private static ObjectNode essentials(JsonNode app) {
    ObjectNode essentials = json.createObjectNode();
    for (String field : List.of("cmd", "instances", "constraints", "env", "secrets", "labels")) {
      essentials.set(field, app.path(field));
    }
    essentials.put("cpus", app.path("cpus").asDouble());
    essentials.put("mem", app.path("mem").asDouble());
    essentials.put("image", app.path("container").path("docker").path("image").asText(""));
    essentials.put("container", app.path("container").path("type").asText(""));
    essentials.set("pullConfig", app.path("container").path("docker").path("pullConfig"));
    return essentials;
  }

  private HttpResponse<String> send(String method, String path, JsonNode body)
      throws DriverException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(settings.url().resolve(path))
            .timeout(TIMEOUT)
            .header("Accept", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (settings.credentials() != null) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(settings.credentials().getBytes(StandardCharsets.UTF_8)));
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DriverException("Marathon at " + settings.url() + " does not answer: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted", e);
    }
  }

  private static void expect(HttpResponse<String> response, String what, int... statuses)
      throws DriverException {
    for (int status : statuses) {
      if (response.statusCode() == status) {
        return;
      }
    }
    String message = parse(response.body()).path("message").asText(response.body());
    if (response.statusCode() == 409) {
      throw new DriverException(
          "could not " + what + ": a deployment is running (" + message + "); tried again later");
    }
    throw new DriverException(
        "could not " + what + ": Marathon answered " + response.statusCode() + " " + message);
  }

  private static JsonNode parse(String body) {
    try {
      return json.readTree(body == null || body.isEmpty() ? "{}" : body);
    } catch (IOException e) {
      return json.createObjectNode();
    }
  }
}
