package io.gatehouse.console.accounts;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gatehouse.console.api.ApiError;
import io.gatehouse.console.api.ApiException;
import io.gatehouse.console.auth.Caller;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/**
 * {@code /api/v1/accounts}: an admin lists the accounts, adds one with its role, changes one's role
 * or password (a new password ends its sessions) and deletes one (with its sessions and tokens);
 * the last admin can be neither demoted nor deleted. Checked here, on the route itself, whatever
 * spelling of the path reached it.
 */
@Controller("/api/v1/accounts")
final class AccountsController {
  private final Accounts accounts;
  private final Passwords passwords;

  AccountsController(Accounts accounts, Passwords passwords) {
    this.accounts = accounts;
    this.passwords = passwords;
  }

  @Serdeable
  record NewAccount(@Nullable String name, @Nullable String role, @Nullable String password) {}

  @Serdeable
  record AccountView(String name, String role, @JsonProperty("created_at") Instant createdAt) {
    static AccountView of(Account account) {
      return new AccountView(account.name(), account.role().wire(), account.createdAt());
    }
  }

  @Serdeable
  record AccountList(List<AccountView> accounts) {}

  @Get
  AccountList list(@RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
    adminOnly(caller);
    return new AccountList(accounts.list().stream().map(AccountView::of).toList());
  }

  @Post
  HttpResponse<AccountView> create(
      @RequestAttribute(Caller.ATTRIBUTE) Caller caller, @Body NewAccount body) {
    adminOnly(caller);
    ApiError.Violations violations = new ApiError.Violations();
    String nameProblem = Accounts.nameProblem(body.name());
    if (nameProblem != null) {
      violations.add("name", nameProblem);
    }
    Role role = body.role() == null ? null : Role.of(body.role());
    if (role == null) {
      violations.add("role", "must be one of admin, operator, read-only");
    }
    String weakness = Passwords.weakness(body.password());
    if (weakness != null) {
      violations.add("password", weakness);
    }
    violations.throwIfAny();
    if (!accounts.create(body.name(), role, passwords.hash(body.password()))) {
      throw new ApiException(HttpStatus.CONFLICT, "an account of that name exists");
    }
    return HttpResponse.created(AccountView.of(accounts.find(body.name()).account()));
  }

  /** A change of an account: a new role, a new password, or both. */
  @Serdeable
  record AccountChange(@Nullable String role, @Nullable String password) {}

  @Patch("/{name}")
  AccountView change(
      @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
      @PathVariable String name,
      @Body AccountChange body) {
    adminOnly(caller);
    ApiError.Violations violations = new ApiError.Violations();
    Role role = null;
    if (body.role() != null) {
      role = Role.of(body.role());
      if (role == null) {
        violations.add("role", "must be one of admin, operator, read-only");
      }
    }
    if (body.password() != null) {
      String weakness = Passwords.weakness(body.password());
      if (weakness != null) {
        violations.add("password", weakness);
      }
    }
    if (body.role() == null && body.password() == null) {
      violations.add("role", "give a role, a password or both");
    }
    violations.throwIfAny();
    outcome(
        name,
        accounts.change(
            name, role, body.password() == null ? null : passwords.hash(body.password())));
    return AccountView.of(accounts.find(name).account());
  }

  @Delete("/{name}")
  HttpResponse<Void> delete(
      @RequestAttribute(Caller.ATTRIBUTE) Caller caller, @PathVariable String name) {
    adminOnly(caller);
    outcome(name, accounts.delete(name));
    return HttpResponse.noContent();
  }

  private static void outcome(String name, Accounts.Outcome outcome) {
    switch (outcome) {
      case NO_SUCH_ACCOUNT -> throw new ApiException(HttpStatus.NOT_FOUND, "no account " + name);
      case LAST_ADMIN ->
          throw new ApiException(
              HttpStatus.CONFLICT, name + " is the last admin: make another admin first");
      case DONE -> {}
    }
  }

  private static void adminOnly(Caller caller) {
    if (caller.role() != Role.ADMIN) {
      throw new ApiException(HttpStatus.FORBIDDEN, "accounts are managed by an admin");
    }
  }
}
