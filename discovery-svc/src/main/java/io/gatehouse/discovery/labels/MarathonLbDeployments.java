package io.gatehouse.discovery.labels;

import io.gatehouse.discovery.marathon.MarathonApp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * marathon-lb's blue/green deployments (zdd): the two apps of one {@code HAPROXY_DEPLOYMENT_GROUP}
 * in one Marathon group are served as one. The app deployed first (the older {@code
 * HAPROXY_DEPLOYMENT_STARTED_AT}, as marathon-lb decides) keeps the listeners, named after the
 * deployment group so that they outlive either app; its pool sends the newer app's pool the newer
 * app's share of the instances, a weighted pair that zdd moves by scaling one up and the other
 * down. The newer app has a pool and no listener. When one app is left, it holds the listeners.
 */
final class MarathonLbDeployments {
  static final String GROUP = "HAPROXY_DEPLOYMENT_GROUP";
  static final String STARTED_AT = "HAPROXY_DEPLOYMENT_STARTED_AT";

  /** The deployment labels: the group, and zdd's bookkeeping (read or checked, never ignored). */
  static final Set<String> LABELS =
      Set.of(
          GROUP,
          STARTED_AT,
          "HAPROXY_DEPLOYMENT_ALT_PORT",
          "HAPROXY_DEPLOYMENT_COLOUR",
          "HAPROXY_DEPLOYMENT_TARGET_INSTANCES");

  private static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /**
   * Where an app stands in its deployment group.
   *
   * @param groupId the group's id, named like an app ("/shop/web" for group "web" of /shop)
   * @param peer the other app of the pair; null when the app is alone
   * @param newer whether the app is the pair's newer one (a pool, no listener)
   */
  record Place(String groupId, MarathonApp peer, boolean newer) {
    boolean paired() {
      return peer != null;
    }
  }

  private MarathonLbDeployments() {}

  /** Whether {@code app} belongs to a deployment group. */
  static boolean applies(MarathonApp app) {
    return app.labels().containsKey(GROUP);
  }

  /**
   * The id of {@code app}'s deployment group: its group's label under its Marathon group; null when
   * it has none.
   */
  static String groupId(MarathonApp app) {
    String group = app.labels().get(GROUP);
    if (group == null) {
      return null;
    }
    String id = app.id();
    int slash = id.lastIndexOf('/');
    return (slash <= 0 ? "" : id.substring(0, slash)) + "/" + group.strip();
  }

  /**
   * Where {@code app} stands among {@code others} (the apps its writer found with the same group
   * id, itself excluded); errors for bad deployment labels or a group of more than two apps.
   */
  static Place place(MarathonApp app, List<MarathonApp> others, List<LabelError> errors) {
    Map<String, String> labels = app.labels();
    String group = labels.get(GROUP).strip();
    if (!GROUP_NAME.matcher(group).matches()) {
      errors.add(error(GROUP, "must be a name of lowercase letters, digits and \"-\", at most 63"));
    }
    number(labels, "HAPROXY_DEPLOYMENT_ALT_PORT", 1, 65535, errors);
    number(labels, "HAPROXY_DEPLOYMENT_TARGET_INSTANCES", 0, 1_000_000, errors);
    String colour = labels.get("HAPROXY_DEPLOYMENT_COLOUR");
    if (colour != null && !colour.equals("blue") && !colour.equals("green")) {
      errors.add(error("HAPROXY_DEPLOYMENT_COLOUR", "must be blue or green"));
    }
    if (labels.containsKey(STARTED_AT) && startedAt(app) == Instant.MIN) {
      errors.add(error(STARTED_AT, "must be an ISO-8601 time such as 2026-12-04T10:00:00Z"));
    }
    String id = groupId(app);
    List<MarathonApp> peers =
        others.stream().filter(o -> !o.id().equals(app.id()) && id.equals(groupId(o))).toList();
    if (peers.size() > 1) {
      errors.add(
          error(
              GROUP,
              "deployment group "
                  + id
                  + " has "
                  + (peers.size() + 1)
                  + " apps; a blue/green deployment pairs two"));
      return new Place(id, null, false);
    }
    if (peers.isEmpty()) {
      return new Place(id, null, false);
    }
    MarathonApp peer = peers.get(0);
    return new Place(id, peer, DEPLOYED_FIRST.compare(peer, app) < 0);
  }

  /**
   * The percent of the pair's traffic the newer app takes: its share of the pair's instances (every
   * task weighs the same, as in marathon-lb's merged backend).
   */
  static int newerShare(MarathonApp older, MarathonApp newer) {
    int all = Math.max(0, older.instances()) + Math.max(0, newer.instances());
    return all == 0 ? 0 : (int) Math.round(100.0 * Math.max(0, newer.instances()) / all);
  }

  /** The older app first: by STARTED_AT (an app without it first, as marathon-lb), then by id. */
  static final Comparator<MarathonApp> DEPLOYED_FIRST =
      Comparator.comparing(MarathonLbDeployments::startedAt).thenComparing(MarathonApp::id);

  /** When zdd started deploying the app; {@link Instant#MIN} when unset or unreadable. */
  static Instant startedAt(MarathonApp app) {
    String value = app.labels().get(STARTED_AT);
    if (value == null) {
      return Instant.MIN;
    }
    try {
      return java.time.OffsetDateTime.parse(value.strip()).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return java.time.LocalDateTime.parse(value.strip()).toInstant(java.time.ZoneOffset.UTC);
      } catch (DateTimeParseException unreadable) {
        return Instant.MIN;
      }
    }
  }

  private static void number(
      Map<String, String> labels, String label, int min, int max, List<LabelError> errors) {
    String value = labels.get(label);
    if (value == null) {
      return;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= min && n <= max) {
        return;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(error(label, "must be a number from " + min + " to " + max));
  }

  private static LabelError error(String label, String message) {
    return new LabelError(label, "", "INVALID_VALUE", message);
  }
}
