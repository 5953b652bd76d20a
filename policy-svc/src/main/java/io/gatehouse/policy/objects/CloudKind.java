package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.Cloud;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.common.net.BaseUrls;
import java.util.HashSet;
import java.util.Set;

/**
 * The cloud settings: where Marathon (one URL, or one per master) and the Mesos master are, and
 * Marathon's credentials. The credentials (HTTP Basic "user:password" or a DC/OS token) are the
 * kind's secret: taken from the input, stored encrypted as {@code basic:<credentials>} or {@code
 * token:<token>}, never stored in clear nor returned. Only one cloud is taken, named "default": the
 * Marathon instance discovery-svc calls default.
 */
public final class CloudKind extends PolicyKind<Cloud> {
  /** The only name a cloud may have. */
  public static final String NAME = "default";

  private static final int MAX_MARATHON_URLS = 5;
  private static final String BASIC = "basic:";
  private static final String TOKEN = "token:";

  public CloudKind() {
    super(ObjectKind.OBJECT_KIND_CLOUD, "cloud", Cloud.getDefaultInstance());
  }

  @Override
  public Cloud clearOutputOnly(Cloud cloud) {
    return cloud.toBuilder().clearCredentialsSet().clearStatus().build();
  }

  @Override
  public Cloud redact(Cloud cloud) {
    return cloud.toBuilder().clearMarathonCredentials().clearMarathonToken().build();
  }

  @Override
  public boolean hasSecret() {
    return true;
  }

  @Override
  public String secret(Cloud cloud) {
    if (!cloud.getMarathonCredentials().isEmpty()) {
      return BASIC + cloud.getMarathonCredentials();
    }
    return cloud.getMarathonToken().isEmpty() ? "" : TOKEN + cloud.getMarathonToken();
  }

  /** The Basic credentials a stored secret holds; empty when it holds a token or nothing. */
  public static String credentials(String secret) {
    return secret.startsWith(BASIC) ? secret.substring(BASIC.length()) : "";
  }

  /** The DC/OS token a stored secret holds; empty when it holds Basic credentials or nothing. */
  public static String token(String secret) {
    return secret.startsWith(TOKEN) ? secret.substring(TOKEN.length()) : "";
  }

  @Override
  public void validate(Cloud cloud, Violations v) {
    v.require(
        cloud.getMeta().getName().equals(NAME),
        "meta.name",
        "must be \"default\": discovery-svc follows the default Marathon instance from it");
    marathonUrls(cloud, v);
    servicePorts(cloud, v);
    url(cloud.getMesosUrl(), "mesos_url", v);
    String credentials = cloud.getMarathonCredentials();
    if (!credentials.isEmpty()) {
      v.require(
          BaseUrls.basicCredentials(credentials),
          "marathon_credentials",
          "must be user:password, without line breaks");
    }
    String token = cloud.getMarathonToken();
    if (!token.isEmpty()) {
      v.require(
          BaseUrls.token(token),
          "marathon_token",
          "must be one token, without spaces or line breaks");
    }
    v.require(
        credentials.isEmpty() || token.isEmpty(),
        "marathon_token",
        "give marathon_credentials or marathon_token, not both");
  }

  @Override
  public Cloud complete(Cloud cloud, String secret, Violations v) {
    return cloud.toBuilder().setCredentialsSet(!secret.isEmpty()).build();
  }

  private static void marathonUrls(Cloud cloud, Violations v) {
    int count = cloud.getMarathonUrlsCount();
    if (count == 0) {
      v.add("marathon_urls", "is required: Marathon's base URL, or one per master");
      return;
    }
    v.require(count <= MAX_MARATHON_URLS, "marathon_urls", "must be at most 5 URLs");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < Math.min(count, MAX_MARATHON_URLS); i++) {
      String url = cloud.getMarathonUrls(i);
      String field = "marathon_urls[" + i + "]";
      url(url, field, v);
      v.require(seen.add(url.replaceAll("/+$", "")), field, "repeats an earlier URL");
    }
  }

  private static void servicePorts(Cloud cloud, Violations v) {
    int min = cloud.getServicePortMin();
    int max = cloud.getServicePortMax();
    if (min == 0 && max == 0) {
      return; // discovery-svc's startup configuration
    }
    v.require(min >= 1 && min <= 65535, "service_port_min", "must be a port 1 to 65535");
    v.require(max >= 1 && max <= 65535, "service_port_max", "must be a port 1 to 65535");
    v.require(min <= max, "service_port_max", "must not be below service_port_min");
  }

  private static void url(String url, String field, Violations v) {
    if (url.isEmpty()) {
      v.add(field, "is required");
      return;
    }
    BaseUrls.problem(url).ifPresent(problem -> v.add(field, problem));
  }
}
