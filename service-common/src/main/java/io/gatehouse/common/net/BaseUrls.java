package io.gatehouse.common.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks of a base URL and of a credential that an operator gives for a cluster component
 * (Marathon, the Mesos master): where they go into a request line or a header, nothing else may
 * ride along.
 */
public final class BaseUrls {
  static final int MAX_URL = 2048;
  static final int MAX_CREDENTIAL = 4096;

  private BaseUrls() {}

  /**
   * What is wrong with {@code url} as a base URL: http or https, a host, no user info (credentials
   * have their own fields, which no error or log repeats), no query or fragment; empty when nothing
   * is.
   */
  public static Optional<String> problem(String url) {
    if (url.length() > MAX_URL) {
      return Optional.of("is longer than " + MAX_URL + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("is not a URL: " + HostNames.printable(e.getReason()));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("must be an http or https URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return Optional.of("has no host");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("must not carry credentials: give them in their own field");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return Optional.of("must be a base URL, without a query or fragment");
    }
    return Optional.empty();
  }

  /** Whether {@code value} may go into a header: printable ASCII, no line breaks, bounded. */
  public static boolean headerSafe(String value) {
    return value.length() <= MAX_CREDENTIAL && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  /** Whether {@code credentials} are HTTP Basic's {@code user:password}, safe in a header. */
  public static boolean basicCredentials(String credentials) {
    return credentials.indexOf(':') > 0 && headerSafe(credentials);
  }

  /** Whether {@code token} is one token, safe in a header. */
  public static boolean token(String token) {
    return headerSafe(token) && !token.contains(" ");
  }
}
