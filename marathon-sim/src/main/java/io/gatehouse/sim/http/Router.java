package io.gatehouse.sim.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps method and path to a handler. Patterns are regular expressions with named groups, e.g.
 * {@code /v2/apps(?<id>/.+)/tasks}; the first route that matches wins, so more specific routes are
 * added first.
 */
public final class Router {
  private record Route(String method, Pattern path, Consumer<HttpExchange> handler) {}

  /** A route found for a request, with its path parameters. */
  record Match(Consumer<HttpExchange> handler, Map<String, String> params) {}

  /** The method of a route that answers every method (e.g. an API's own 405 or 404). */
  public static final String ANY_METHOD = "*";

  private final List<Route> routes = new ArrayList<>();

  /** Adds a route. */
  public Router add(String method, String pathPattern, Consumer<HttpExchange> handler) {
    routes.add(new Route(method, Pattern.compile(pathPattern), handler));
    return this;
  }

  /**
   * The handler for the request; null when no path matches, a 405 marker when only the method
   * differs.
   */
  Match find(String method, String path) {
    boolean pathKnown = false;
    for (Route route : routes) {
      Matcher m = route.path().matcher(path);
      if (!m.matches()) {
        continue;
      }
      pathKnown = true;
      if (route.method().equals(method) || route.method().equals(ANY_METHOD)) {
        Map<String, String> params = new HashMap<>();
        for (String name : groupNames(route.path().pattern())) {
          params.put(name, m.group(name));
        }
        return new Match(route.handler(), params);
      }
    }
    return pathKnown ? new Match(null, Map.of()) : null;
  }

  private static List<String> groupNames(String pattern) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>").matcher(pattern);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
