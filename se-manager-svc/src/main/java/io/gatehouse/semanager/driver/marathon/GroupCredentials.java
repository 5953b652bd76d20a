package io.gatehouse.semanager.driver.marathon;

import io.gatehouse.semanager.driver.DriverException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The group credential of each group's Marathon app, kept in the secret store rather than in the
 * app: the app's environment only refers to the secret, so its definition (readable by anyone who
 * may read Marathon) holds no credential and stays the same when the credential is renewed. A
 * group's credential is written the first time this manager applies the group and again once half
 * its lifetime has passed; a running engine needs it only at start, since it then holds session
 * credentials renewed over its stream.
 */
public final class GroupCredentials {
  /** The name of the app's secret its engines' credential variable refers to. */
  static final String SECRET_NAME = "gatehouse-engine-credential";

  private final SecretStore store;
  private final String pathTemplate;
  private final Function<String, String> issue;
  private final Duration renewAfter;
  private final Clock clock;
  private final Map<String, Instant> written = new ConcurrentHashMap<>();

  /**
   * @param store where the credentials are written
   * @param pathTemplate the secret's path, {@code {group}} replaced by the group's name
   * @param issue a new group credential for a group
   * @param lifetime how long a group credential lasts
   */
  public GroupCredentials(
      SecretStore store,
      String pathTemplate,
      Function<String, String> issue,
      Duration lifetime,
      Clock clock) {
    if (!pathTemplate.contains("{group}")) {
      throw new IllegalArgumentException(
          "the credential secret path " + pathTemplate + " must contain {group}: one per group");
    }
    if (!SecretStore.validPath(pathTemplate.replace("{group}", "g"))) {
      throw new IllegalArgumentException(
          "the credential secret path "
              + pathTemplate
              + " is not words of [A-Za-z0-9._-] (nor . or ..)");
    }
    this.store = store;
    this.pathTemplate = pathTemplate;
    this.issue = issue;
    this.renewAfter = lifetime.dividedBy(2);
    this.clock = clock;
  }

  /** The secret path of {@code group}'s credential (the {@code source} of the app's secret). */
  public String path(String group) {
    return pathTemplate.replace("{group}", group);
  }

  /** Writes {@code group}'s credential when this manager has not, or when it is half-way old. */
  public void ensure(String group) throws DriverException {
    Instant now = clock.instant();
    Instant last = written.get(group);
    if (last != null && now.isBefore(last.plus(renewAfter))) {
      return;
    }
    store.write(path(group), issue.apply(group));
    written.put(group, now);
  }
}
