package io.gatehouse.sim.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.sim.tasks.TaskRunner;
import io.gatehouse.sim.tasks.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chooses how a task runs and with which environment. In the test mode every task is a fixed
 * endpoint with nothing behind it; otherwise a container image runs its mapped stand-in (a built-in
 * server, or a command) and an app without an image runs its {@code cmd}.
 */
public final class TaskLauncher {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How one image is run: a runner, and for command stand-ins the command. */
  public record ImageMapping(TaskRunner runner, String command) {}

  private final TaskRunner processes;
  private final TaskRunner fixed;
  private final Map<String, ImageMapping> images;
  private final Map<String, String> privateRegistries;
  private final Function<String, Optional<String>> secrets;

  /**
   * @param privateRegistries registry host to the "user:password" it asks for
   * @param secrets the value of a secret's {@code source}, as Marathon's secrets plugin finds it
   */
  public TaskLauncher(
      TaskRunner processes,
      TaskRunner fixed,
      Map<String, ImageMapping> images,
      Map<String, String> privateRegistries,
      Function<String, Optional<String>> secrets) {
    this.processes = processes;
    this.fixed = fixed;
    this.images = Map.copyOf(images);
    this.privateRegistries = Map.copyOf(privateRegistries);
    this.secrets = secrets;
  }

  /**
   * The runner for an app's tasks, and the command it runs; throws when nothing can run it, or when
   * its image is from a private registry and the app does not pull with that registry's
   * credentials.
   */
  ImageMapping choose(ObjectNode app) {
    String image = image(app);
    if (image != null) {
      pull(app, image);
    }
    if (fixed != null) {
      return new ImageMapping(fixed, null);
    }
    String cmd = app.path("cmd").isTextual() ? app.get("cmd").asText() : null;
    if (image != null) {
      ImageMapping mapping = images.get(image.replaceFirst(":[^/:]*$", ""));
      if (mapping != null) {
        return mapping.command() == null && cmd != null && mapping.runner() == processes
            ? new ImageMapping(processes, cmd)
            : mapping;
      }
      if (cmd != null) {
        return new ImageMapping(processes, cmd);
      }
      throw new IllegalStateException(
          "image "
              + image
              + " is not mapped to a local stand-in (start marathon-sim with --image "
              + image.replaceFirst(":[^/:]*$", "")
              + "=http|tcp-echo|cmd:<command>)");
    }
    if (cmd == null) {
      throw new IllegalStateException("the app has neither cmd nor a container image");
    }
    return new ImageMapping(processes, cmd);
  }

  /**
   * The task's spec: what to run and Marathon's environment for it. An environment value {@code
   * {"secret": name}} is the value of the app's secret {@code name} (its {@code source} looked up
   * in the secret store); a task whose secret cannot be found does not start.
   */
  TaskSpec spec(App app, Task task, String command) {
    ObjectNode d = app.definition;
    Map<String, String> env = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : d.get("env").properties()) {
      if (e.getValue().isTextual()) {
        env.put(e.getKey(), e.getValue().asText());
      } else if (e.getValue().path("secret").isTextual()) {
        String name = e.getValue().get("secret").asText();
        String source = d.path("secrets").path(name).path("source").asText("");
        env.put(
            e.getKey(),
            secrets
                .apply(source)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "secret " + name + " (source " + source + ") is not in the store")));
      }
    }
    List<Integer> ports = task.listenPorts;
    for (int i = 0; i < ports.size(); i++) {
      env.put("PORT" + i, Integer.toString(ports.get(i)));
    }
    if (!ports.isEmpty()) {
      env.put("PORT", Integer.toString(ports.get(0)));
      env.put("PORTS", String.join(",", ports.stream().map(String::valueOf).toList()));
    }
    env.put("HOST", task.agent.hostname());
    env.put("MARATHON_APP_ID", app.id());
    env.put("MARATHON_APP_VERSION", task.version);
    env.put("MARATHON_APP_RESOURCE_CPUS", d.get("cpus").asText());
    env.put("MARATHON_APP_RESOURCE_MEM", d.get("mem").asText());
    env.put("MESOS_TASK_ID", task.id);
    env.put("MESOS_CONTAINER_NAME", "mesos-" + task.id);
    String image = image(d);
    if (image != null) {
      env.put("MARATHON_APP_DOCKER_IMAGE", image);
    }
    StringBuilder labelNames = new StringBuilder();
    for (Map.Entry<String, JsonNode> label : d.get("labels").properties()) {
      String name =
          label.getKey().replaceAll("[^A-Za-z0-9_]", "_").toUpperCase(java.util.Locale.ROOT);
      labelNames.append(labelNames.length() == 0 ? "" : " ").append(name);
      env.put("MARATHON_APP_LABEL_" + name, label.getValue().asText());
    }
    env.put("MARATHON_APP_LABELS", labelNames.toString());
    return new TaskSpec(task.id, task.bindAddress, ports, command, image, env);
  }

  /**
   * Fails as the Mesos containerizer does when {@code image} is from a private registry and the
   * app's {@code container.docker.pullConfig} secret (a Docker config) does not hold the registry's
   * credentials.
   */
  private void pull(ObjectNode app, String image) {
    String registry = registry(image);
    String wanted = privateRegistries.get(registry);
    if (wanted == null) {
      return;
    }
    JsonNode pullConfig = app.path("container").path("docker").path("pullConfig");
    String name = pullConfig.path("secret").asText("");
    String source = app.path("secrets").path(name).path("source").asText("");
    String auth =
        name.isEmpty()
            ? ""
            : secrets.apply(source).map(config -> auth(config, registry)).orElse("");
    if (!auth.equals(Base64.getEncoder().encodeToString(wanted.getBytes(StandardCharsets.UTF_8)))) {
      throw new IllegalStateException(
          "Failed to launch container: Failed to pull image '"
              + image
              + "': Unexpected HTTP response '401 Unauthorized' when trying to get the manifest");
    }
  }

  /** The {@code auth} a Docker config (config.json) holds for {@code registry}; empty if none. */
  private static String auth(String dockerConfig, String registry) {
    try {
      return JSON.readTree(dockerConfig).path("auths").path(registry).path("auth").asText("");
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /**
   * The registry an image reference names: its first component when that has a dot, a colon or is
   * localhost, Docker Hub otherwise.
   */
  static String registry(String image) {
    int slash = image.indexOf('/');
    if (slash > 0) {
      String first = image.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        return first;
      }
    }
    return "docker.io";
  }

  static String image(ObjectNode app) {
    JsonNode image = app.path("container").path("docker").path("image");
    return image.isTextual() && !image.asText().isEmpty() ? image.asText() : null;
  }
}
