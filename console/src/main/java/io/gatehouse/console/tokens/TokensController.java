package io.gatehouse.console.tokens;

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
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/** {@code /api/v1/tokens}: the caller's own API tokens, made (and shown once), listed, revoked. */
@Controller("/api/v1/tokens")
final class TokensController {
  private final ApiTokens tokens;

  TokensController(ApiTokens tokens) {
    this.tokens = tokens;
  }

  @Serdeable
  record NewToken(@Nullable String name) {}

  @Serdeable
  record Made(String id, String name, String token) {}

  @Serdeable
  record Listed(
      String id,
      String name,
      @JsonProperty("created_at") Instant createdAt,
      @Nullable @JsonProperty("revoked_at") Instant revokedAt) {}

  @Serdeable
  record TokenList(List<Listed> tokens) {}

  @Post
  HttpResponse<Made> create(
      @RequestAttribute(Caller.ATTRIBUTE) Caller caller, @Body NewToken body) {
    String name = body.name() == null ? "" : body.name().strip();
    if (name.isEmpty()
        || name.length() > 100
        || !name.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
      new ApiError.Violations()
          .add("name", "must be 1-100 printable ASCII characters")
          .throwIfAny();
    }
    ApiTokens.Made made = tokens.create(caller.account(), name);
    if (made == null) {
      throw new ApiException(HttpStatus.CONFLICT, "revoke a token first: an account may keep 100");
    }
    return HttpResponse.created(new Made(made.id(), made.name(), made.token()));
  }

  @Get
  TokenList list(@RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
    return new TokenList(
        tokens.list(caller.account()).stream()
            .map(t -> new Listed(t.id(), t.name(), t.createdAt(), t.revokedAt()))
            .toList());
  }

  @Delete("/{id}")
  HttpResponse<Void> revoke(
      @RequestAttribute(Caller.ATTRIBUTE) Caller caller, @PathVariable String id) {
    if (!tokens.revoke(caller.account(), id)) {
      throw new ApiException(HttpStatus.NOT_FOUND, "no such token in use");
    }
    return HttpResponse.noContent();
  }
}
