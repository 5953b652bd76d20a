package io.gatehouse.policy.store;

import io.gatehouse.policy.internal.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An opaque list position: the last name returned, the revision the first page was read at, and a
 * fingerprint of the filters, so a token is only accepted with the filters it was issued for.
 */
record PageToken(long revision, int filterFingerprint, String afterName) {
  private static final String VERSION = "1";

  String encode() {
    String raw = VERSION + "|" + revision + "|" + filterFingerprint + "|" + afterName;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  static PageToken decode(String token, int filterFingerprint) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String[] parts = raw.split("\\|", 4);
      if (parts.length != 4 || !parts[0].equals(VERSION)) {
        throw new IllegalArgumentException("unknown format");
      }
      if (Integer.parseInt(parts[2]) != filterFingerprint) {
        throw InvalidArgumentException.of(
            "page_token", "was issued for other filters: repeat the first request's filters");
      }
      return new PageToken(Long.parseLong(parts[1]), filterFingerprint, parts[3]);
    } catch (IllegalArgumentException e) {
      throw InvalidArgumentException.of(
          "page_token", "is not a token this service issued; pass next_page_token as received");
    }
  }
}
