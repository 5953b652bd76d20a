package io.gatehouse.console.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gatehouse.console.accounts.Accounts;
import io.gatehouse.console.accounts.Passwords;
import io.gatehouse.console.api.ApiError;
import io.gatehouse.console.api.ApiException;
import io.gatehouse.console.auth.Caller;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code /api/v1/session}: logging in (a session cookie, HttpOnly, Secure and SameSite=Strict, and
 * the CSRF token every write must bring in {@code X-CSRF-Token}), who is logged in, logging out,
 * and changing one's own password (which ends every session of the account: log in again).
 */
@Controller("/api/v1/session")
final class SessionController {
  private final Accounts accounts;
  private final Passwords passwords;
  private final Sessions sessions;
  private final LoginLimiter limiter;

  SessionController(
      Accounts accounts, Passwords passwords, Sessions sessions, LoginLimiter limiter) {
    this.accounts = accounts;
    this.passwords = passwords;
    this.sessions = sessions;
    this.limiter = limiter;
  }

  /** A login: an account's name and password. */
  @Serdeable
  record Login(@Nullable String name, @Nullable String password) {}

  /** Who is logged in, and the CSRF token of a browser session (null for an API token). */
  @Serdeable
  record SessionView(
      String account, String role, @Nullable @JsonProperty("csrf_token") String csrfToken) {}

  @Post
  HttpResponse<SessionView> login(HttpRequest<?> request, @Body Login login) {
    ApiError.Violations violations = new ApiError.Violations();
    if (login.name() == null || login.name().isEmpty()) {
      violations.add("name", "is required");
    }
    if (login.password() == null || login.password().isEmpty()) {
      violations.add("password", "is required");
    }
    violations.throwIfAny();
    String name = login.name();
    String address = request.getRemoteAddress().getAddress().getHostAddress();
    if (limiter.locked(name, address)) {
      throw new ApiException(
          HttpStatus.TOO_MANY_REQUESTS,
          "too many failed logins: try again in " + limiter.lockout().toMinutes() + " minutes");
    }
    Accounts.Stored stored = name.length() > 64 ? null : accounts.find(name);
    if (!passwords.matches(login.password(), stored == null ? null : stored.passwordHash())) {
      limiter.failed(name, address);
      throw new ApiException(HttpStatus.UNAUTHORIZED, "wrong account name or password");
    }
    limiter.succeeded(name);
    Sessions.Opened opened = sessions.open(name);
    return HttpResponse.ok(new SessionView(name, stored.account().role().wire(), opened.csrf()))
        .cookie(
            Cookie.of(Sessions.COOKIE, opened.token())
                .path("/")
                .httpOnly(true)
                .secure(true)
                .sameSite(SameSite.Strict)
                .maxAge(sessions.idleTimeout()));
  }

  @Get
  SessionView current(@RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
    return new SessionView(caller.account(), caller.role().wire(), caller.sessionCsrf());
  }

  /** A change of one's own password: the current one, and the new. */
  @Serdeable
  record PasswordChange(
      @Nullable @JsonProperty("current_password") String currentPassword,
      @Nullable @JsonProperty("new_password") String newPassword) {}

  @Put("/password")
  HttpResponse<Void> changePassword(
      HttpRequest<?> request,
      @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
      @Body PasswordChange change) {
    String address = request.getRemoteAddress().getAddress().getHostAddress();
    if (limiter.locked(caller.account(), address)) {
      throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too many failed logins: wait");
    }
    Accounts.Stored stored = accounts.find(caller.account());
    if (!passwords.matches(
        change.currentPassword() == null ? "" : change.currentPassword(),
        stored == null ? null : stored.passwordHash())) {
      limiter.failed(caller.account(), address);
      new ApiError.Violations()
          .add("current_password", "is not the account's password")
          .throwIfAny();
    }
    String weakness = Passwords.weakness(change.newPassword());
    if (weakness != null) {
      new ApiError.Violations().add("new_password", weakness).throwIfAny();
    }
    accounts.change(caller.account(), null, passwords.hash(change.newPassword()));
    return HttpResponse.noContent();
  }

  @Delete
  HttpResponse<Void> logout(HttpRequest<?> request) {
    request.getCookies().findCookie(Sessions.COOKIE).ifPresent(c -> sessions.close(c.getValue()));
    return HttpResponse.<Void>noContent()
        .cookie(
            Cookie.of(Sessions.COOKIE, "")
                .path("/")
                .httpOnly(true)
                .secure(true)
                .sameSite(SameSite.Strict)
                .maxAge(0))
        .header(HttpHeaders.CACHE_CONTROL, "no-store");
  }
}
