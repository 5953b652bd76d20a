package io.gatehouse.console.auth;

import io.gatehouse.console.accounts.Role;
import io.gatehouse.console.api.ApiError;
import io.gatehouse.console.session.Sessions;
import io.gatehouse.console.tokens.ApiTokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.List;
import java.util.Set;

/**
 * Who may call what under {@code /api}. A caller comes with a session cookie or an API token
 * ({@code Authorization: Bearer}); only the setup, the login and the API's document are open
 * without one (401 otherwise). A write with a session must bring the session's CSRF token in {@code
 * X-CSRF-Token} (403 otherwise): an API token, which a browser never sends by itself, needs none. A
 * read-only account may only read, log out, change its password and manage its own tokens; accounts
 * are an admin's alone (403). No answer under {@code /api} is cached.
 */
@ServerFilter("/api/**")
final class AuthFilter {
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD);

  private final Sessions sessions;
  private final ApiTokens tokens;

  AuthFilter(Sessions sessions, ApiTokens tokens) {
    this.sessions = sessions;
    this.tokens = tokens;
  }

  @RequestFilter
  @ExecuteOn(TaskExecutors.BLOCKING)
  @Nullable
  HttpResponse<?> authorize(HttpRequest<?> request) {
    String path = request.getPath();
    HttpMethod method = request.getMethod();
    if (open(path, method)) {
      return null;
    }
    Caller caller = caller(request);
    if (caller == null) {
      return refuse(HttpStatus.UNAUTHORIZED, "log in, or bring an API token")
          .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    boolean write = !READS.contains(method);
    if (write
        && caller.bySession()
        && !Secrets.same(caller.sessionCsrf(), request.getHeaders().get(CSRF_HEADER))) {
      return refuse(
          HttpStatus.FORBIDDEN, "a write needs the session's CSRF token in " + CSRF_HEADER);
    }
    if (path.startsWith("/api/v1/accounts") && caller.role() != Role.ADMIN) {
      return refuse(HttpStatus.FORBIDDEN, "accounts are managed by an admin");
    }
    if (write && caller.role() == Role.READ_ONLY && !ownBusiness(path)) {
      return refuse(HttpStatus.FORBIDDEN, "account " + caller.account() + " may only read");
    }
    request.setAttribute(Caller.ATTRIBUTE, caller);
    return null;
  }

  @ResponseFilter
  void noStore(MutableHttpResponse<?> response) {
    response.header(HttpHeaders.CACHE_CONTROL, "no-store");
  }

  /** The setup, the login and the API's document: what a caller does before being anyone. */
  private static boolean open(String path, HttpMethod method) {
    return path.equals("/api/v1/setup")
        || (path.equals("/api/v1/session") && method == HttpMethod.POST)
        || (path.equals("/api/openapi.yaml") && method == HttpMethod.GET);
  }

  /** What any account may change: its own session, its own password and its own API tokens. */
  private static boolean ownBusiness(String path) {
    return path.equals("/api/v1/session")
        || path.equals("/api/v1/session/password")
        || path.startsWith("/api/v1/tokens");
  }

  private Caller caller(HttpRequest<?> request) {
    String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
    if (authorization != null) {
      return authorization.startsWith("Bearer ") && authorization.length() <= 256
          ? tokens.find(authorization.substring("Bearer ".length()).strip())
          : null;
    }
    Cookie cookie = request.getCookies().findCookie(Sessions.COOKIE).orElse(null);
    return cookie == null || cookie.getValue().length() > 128
        ? null
        : sessions.find(cookie.getValue());
  }

  private static MutableHttpResponse<ApiError> refuse(HttpStatus status, String message) {
    return HttpResponse.<ApiError>status(status)
        .body(new ApiError(status.getCode(), message, List.of()));
  }
}
