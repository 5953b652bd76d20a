package io.gatehouse.semanager.driver.marathon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.semanager.driver.DriverException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Docker config each group's engines pull their image with, kept in the secret store: the app's
 * {@code container.docker.pullConfig} names the secret, never what it holds (an app's definition is
 * readable by anyone who may read Marathon). A group's config is written the first time this
 * manager applies the group and again when its credentials or registry change.
 */
public final class RegistryPullConfigs {
  /** The name of the app's secret its pullConfig refers to. */
  static final String SECRET_NAME = "gatehouse-registry";

  private static final ObjectMapper json = new ObjectMapper();

  private final SecretStore store;
  private final String pathTemplate;
  private final Map<String, String> written = new ConcurrentHashMap<>(); // group: config digest

  /**
   * @param store where the configs are written
   * @param pathTemplate the secret's path, {@code {group}} replaced by the group's name
   */
  public RegistryPullConfigs(SecretStore store, String pathTemplate) {
    if (!pathTemplate.contains("{group}")) {
      throw new IllegalArgumentException(
          "the registry secret path " + pathTemplate + " must contain {group}: one per group");
    }
    if (!SecretStore.validPath(pathTemplate.replace("{group}", "g"))) {
      throw new IllegalArgumentException(
          "the registry secret path "
              + pathTemplate
              + " is not words of [A-Za-z0-9._-] (nor . or ..)");
    }
    this.store = store;
    this.pathTemplate = pathTemplate;
  }

  /** The secret path of {@code group}'s Docker config (the {@code source} of the app's secret). */
  public String path(String group) {
    return pathTemplate.replace("{group}", group);
  }

  /** Writes {@code group}'s Docker config for pulling {@code image} with {@code credentials}. */
  public void ensure(String group, String image, String credentials) throws DriverException {
    String config = dockerConfig(registry(image), credentials);
    String digest = digest(config);
    if (digest.equals(written.get(group))) {
      return;
    }
    store.write(path(group), config);
    written.put(group, digest);
  }

  /** A Docker config ({@code config.json}) holding {@code credentials} for {@code registry}. */
  static String dockerConfig(String registry, String credentials) {
    ObjectNode config = json.createObjectNode();
    config
        .putObject("auths")
        .putObject(registry)
        .put(
            "auth",
            Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    return config.toString();
  }

  /**
   * The registry an image reference names, as Docker keys its config: the first component when it
   * has a dot or a colon or is localhost, Docker Hub's index otherwise.
   */
  static String registry(String image) {
    int slash = image.indexOf('/');
    if (slash > 0) {
      String first = image.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        return first;
      }
    }
    return "https://index.docker.io/v1/";
  }

  private static String digest(String config) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(config.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
