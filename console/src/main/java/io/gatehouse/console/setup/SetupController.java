package io.gatehouse.console.setup;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gatehouse.console.accounts.Accounts;
import io.gatehouse.console.accounts.Passwords;
import io.gatehouse.console.api.ApiError;
import io.gatehouse.console.api.ApiException;
import io.gatehouse.console.session.LoginLimiter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;

/**
 * {@code /api/v1/setup}: whether the console still needs its setup, and the setup itself — the
 * first (admin) account, made only with the one-time setup code. Wrong codes count as failed logins
 * of their address, so guessing is locked out as logging in is.
 */
@Controller("/api/v1/setup")
final class SetupController {
  private final Accounts accounts;
  private final Passwords passwords;
  private final SetupCode code;
  private final LoginLimiter limiter;

  SetupController(Accounts accounts, Passwords passwords, SetupCode code, LoginLimiter limiter) {
    this.accounts = accounts;
    this.passwords = passwords;
    this.code = code;
    this.limiter = limiter;
  }

  @Serdeable
  record Status(boolean needed) {}

  @Serdeable
  record Setup(
      @Nullable @JsonProperty("setup_code") String setupCode,
      @Nullable String name,
      @Nullable String password) {}

  @Serdeable
  record Admin(String name, String role) {}

  @Get
  Status status() {
    return new Status(!accounts.any());
  }

  @Post
  HttpResponse<Admin> setUp(HttpRequest<?> request, @Body Setup setup) {
    if (accounts.any()) {
      throw new ApiException(HttpStatus.CONFLICT, "the console is set up: log in");
    }
    String address = request.getRemoteAddress().getAddress().getHostAddress();
    String attempt = "setup code";
    if (limiter.locked(attempt, address)) {
      throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too many wrong setup codes: wait");
    }
    if (!code.matches(setup.setupCode())) {
      limiter.failed(attempt, address);
      throw new ApiException(
          HttpStatus.FORBIDDEN, "wrong setup code: it is in the console service's log");
    }
    ApiError.Violations violations = new ApiError.Violations();
    String nameProblem = Accounts.nameProblem(setup.name());
    if (nameProblem != null) {
      violations.add("name", nameProblem);
    }
    String weakness = Passwords.weakness(setup.password());
    if (weakness != null) {
      violations.add("password", weakness);
    }
    violations.throwIfAny();
    if (!accounts.createFirst(setup.name(), passwords.hash(setup.password()))) {
      throw new ApiException(HttpStatus.CONFLICT, "the console is set up: log in");
    }
    code.spend();
    return HttpResponse.created(new Admin(setup.name(), "admin"));
  }
}
