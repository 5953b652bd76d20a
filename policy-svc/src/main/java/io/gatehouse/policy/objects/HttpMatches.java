package io.gatehouse.policy.objects;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.gatehouse.api.policy.v1.AddressMatch;
import io.gatehouse.api.policy.v1.HttpMatch;
import io.gatehouse.api.policy.v1.MatchOperator;
import io.gatehouse.api.policy.v1.NamedMatch;
import io.gatehouse.api.policy.v1.StringMatch;
import java.util.List;

/** Checks the match side of HTTP policy rules: every comparison bounded and well-formed. */
final class HttpMatches {
  static final int MAX_VALUES = 64;
  static final int MAX_VALUE_LENGTH = 1024;
  static final int MAX_NAMED = 32;
  static final int MAX_CIDRS = 256;
  static final int MAX_METHODS = 16;

  private HttpMatches() {}

  static void validate(HttpMatch match, Violations v) {
    stringMatch(match.getHost(), false, v.in("host"));
    if (match.getHost().getValuesList().stream()
            .anyMatch(h -> !h.equals(h.toLowerCase(java.util.Locale.ROOT)))
        && match.getHost().getOperator() != MatchOperator.MATCH_OPERATOR_REGEX) {
      v.add("host.values", "hosts are compared lowercased: write the values in lowercase");
    }
    stringMatch(match.getPath(), false, v.in("path"));
    MatchOperator pathOperator = match.getPath().getOperator();
    if (pathOperator == MatchOperator.MATCH_OPERATOR_EXACT
        || pathOperator == MatchOperator.MATCH_OPERATOR_PREFIX) {
      for (int i = 0; i < match.getPath().getValuesCount(); i++) {
        v.require(
            match.getPath().getValues(i).startsWith("/"),
            "path.values[" + i + "]",
            "a path starts with \"/\"");
      }
    }
    v.require(
        match.getMethodsCount() <= MAX_METHODS, "methods", "at most " + MAX_METHODS + " methods");
    for (int i = 0; i < match.getMethodsCount(); i++) {
      String method = match.getMethods(i);
      v.require(
          HttpSyntax.token(method) && method.length() <= 32,
          "methods[" + i + "]",
          "\"" + printable(method) + "\" is not an HTTP method such as GET");
    }
    named(match.getHeadersList(), "headers", v);
    named(match.getCookiesList(), "cookies", v);
    named(match.getQueryParamsList(), "query_params", v);
    client(match.getClient(), v.in("client"));
  }

  private static void named(List<NamedMatch> entries, String field, Violations v) {
    v.require(entries.size() <= MAX_NAMED, field, "at most " + MAX_NAMED + " entries");
    for (int i = 0; i < entries.size(); i++) {
      NamedMatch entry = entries.get(i);
      Violations at = v.in(field, i);
      at.require(
          !entry.getName().isEmpty()
              && entry.getName().length() <= 256
              && HttpSyntax.token(entry.getName()),
          "name",
          "must be a name of 1 to 256 token characters (RFC 9110)");
      at.require(
          entry.getValue().getOperator() != MatchOperator.MATCH_OPERATOR_UNSPECIFIED,
          "value.operator",
          "is required (MATCH_OPERATOR_PRESENT tests presence)");
      stringMatch(entry.getValue(), true, at.in("value"));
    }
  }

  private static void client(AddressMatch client, Violations v) {
    v.require(client.getCidrsCount() <= MAX_CIDRS, "cidrs", "at most " + MAX_CIDRS + " ranges");
    v.require(!client.getInvert() || client.getCidrsCount() > 0, "invert", "needs cidrs to invert");
    for (int i = 0; i < client.getCidrsCount(); i++) {
      String cidr = client.getCidrs(i);
      v.require(
          Addresses.parseCidr(cidr) != null,
          "cidrs[" + i + "]",
          "\"" + printable(cidr) + "\" is not a CIDR such as 10.0.0.0/8 or an address");
    }
  }

  /** Checks one comparison; {@code presence} says whether MATCH_OPERATOR_PRESENT is allowed. */
  private static void stringMatch(StringMatch match, boolean presence, Violations v) {
    MatchOperator operator = match.getOperator();
    if (operator == MatchOperator.UNRECOGNIZED) {
      v.add("operator", "unknown operator");
      return;
    }
    if (operator == MatchOperator.MATCH_OPERATOR_UNSPECIFIED) {
      v.require(
          match.getValuesCount() == 0 && !match.getInvert(),
          "operator",
          "is required when values or invert are set");
      return;
    }
    if (operator == MatchOperator.MATCH_OPERATOR_PRESENT) {
      v.require(presence, "operator", "MATCH_OPERATOR_PRESENT applies to named values only");
      v.require(match.getValuesCount() == 0, "values", "MATCH_OPERATOR_PRESENT takes no values");
      return;
    }
    v.require(
        match.getValuesCount() >= 1 && match.getValuesCount() <= MAX_VALUES,
        "values",
        "1 to " + MAX_VALUES + " values");
    for (int i = 0; i < match.getValuesCount(); i++) {
      String value = match.getValues(i);
      String field = "values[" + i + "]";
      if (value.isEmpty() || value.length() > MAX_VALUE_LENGTH || !HttpSyntax.fieldValue(value)) {
        v.add(field, "must be 1 to " + MAX_VALUE_LENGTH + " characters without CR, LF or NUL");
        continue;
      }
      if (operator == MatchOperator.MATCH_OPERATOR_REGEX) {
        try {
          Pattern.compile(value);
        } catch (PatternSyntaxException e) {
          v.add(field, "is not an RE2 regular expression: " + e.getDescription());
        }
      }
    }
  }

  static String printable(String value) {
    return io.gatehouse.common.net.HostNames.printable(value);
  }
}
