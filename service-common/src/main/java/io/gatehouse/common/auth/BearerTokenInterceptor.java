package io.gatehouse.common.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micronaut.core.order.Ordered;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Authenticates every call by its {@code authorization: Bearer <token>} header and puts the
 * caller's role in the gRPC context ({@link #currentRole}). The standard health and reflection
 * services are open. Tokens are compared as SHA-256 digests in constant time and never logged. A
 * token that is none of the configured ones may be a signed credential ({@link
 * Builder#credentials}): its role is then the credential's, and what it names is the caller's
 * identity ({@link #currentIdentity}).
 *
 * @param <R> what a caller may be (each service has its own roles)
 */
public final class BearerTokenInterceptor<R> implements ServerInterceptor, Ordered {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Object> ROLE = Context.key("gatehouse-caller-role");
  private static final Context.Key<Object> IDENTITY = Context.key("gatehouse-caller-identity");
  private static final Context.Key<String> TOKEN = Context.key("gatehouse-caller-token");
  private static final Set<String> OPEN_SERVICES =
      Set.of(
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection");
  private static final int MIN_LENGTH = 16;

  private record Token(byte[] digest, Object role) {}

  private record Credentials(Object role, Function<String, Optional<?>> verify) {}

  private final List<Token> tokens;
  private final Credentials credentials;

  private BearerTokenInterceptor(List<Token> tokens, Credentials credentials) {
    this.tokens = List.copyOf(tokens);
    this.credentials = credentials;
  }

  /** Tokens configured under {@code prefix} (for messages: "gatehouse.policy.auth"). */
  public static <R> Builder<R> builder(String prefix) {
    return new Builder<>(prefix);
  }

  /**
   * The role of the caller of the call this thread is serving.
   *
   * @throws IllegalStateException outside an authenticated call
   */
  public static <R> R currentRole(Class<R> type) {
    Object role = ROLE.get();
    if (role == null) {
      throw new IllegalStateException("no authenticated caller in this context");
    }
    return type.cast(role);
  }

  /**
   * What the credential of the caller of the call this thread is serving names; empty for a caller
   * with a configured token.
   */
  public static <T> Optional<T> currentIdentity(Class<T> type) {
    return Optional.ofNullable(IDENTITY.get()).map(type::cast);
  }

  /**
   * The configured token the caller of the call this thread is serving presented, for asking
   * another replica of the service on its behalf (with its authority, no more); empty for a caller
   * with a credential.
   */
  public static Optional<String> currentToken() {
    return Optional.ofNullable(TOKEN.get());
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE; // outermost: nothing runs for an unauthenticated call
  }

  @Override
  public <Q, S> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, S> call, Metadata headers, ServerCallHandler<Q, S> next) {
    if (OPEN_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    String header = headers.get(AUTHORIZATION);
    Object role = authenticate(header);
    String token = role == null ? null : header.substring(7).trim();
    Object identity = null;
    if (role == null && credentials != null && header != null && header.length() > 7) {
      identity = credentials.verify().apply(header.substring(7).trim()).orElse(null);
      role = identity == null ? null : credentials.role();
    }
    if (role == null) {
      call.close(
          Status.UNAUTHENTICATED.withDescription(
              "missing or unknown bearer token: send \"authorization: Bearer <token>\""),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(
        Context.current().withValues(ROLE, role, IDENTITY, identity, TOKEN, token),
        call,
        headers,
        next);
  }

  private Object authenticate(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    byte[] presented = sha256(header.substring(7).trim());
    Object found = null;
    for (Token token : tokens) {
      if (MessageDigest.isEqual(token.digest(), presented)) {
        found = token.role(); // keep looping: the time taken does not depend on the match
      }
    }
    return found;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Collects the configured tokens, checking each. */
  public static final class Builder<R> {
    private final String prefix;
    private final List<Token> tokens = new ArrayList<>();
    private Credentials credentials;

    private Builder(String prefix) {
      this.prefix = prefix;
    }

    /** Accepts {@code token} (configured at {@code key}) for {@code role}; null or blank: none. */
    public Builder<R> token(String key, String token, R role) {
      if (token == null || token.isBlank()) {
        return this;
      }
      if (token.trim().length() < MIN_LENGTH) {
        throw new IllegalArgumentException(
            prefix + "." + key + ": tokens must be at least " + MIN_LENGTH + " characters");
      }
      if (placeholder(token)) {
        throw new IllegalArgumentException(
            prefix
                + "."
                + key
                + ": a placeholder from an example file is no token; put a random one there"
                + " (openssl rand -base64 32)");
      }
      tokens.add(new Token(sha256(token.trim()), role));
      return this;
    }

    /** Accepts each of {@code tokens} for {@code role}; at least one is required. */
    public Builder<R> required(String key, List<String> tokens, R role) {
      List<String> given =
          tokens == null ? List.of() : tokens.stream().filter(t -> !t.isBlank()).toList();
      if (given.isEmpty()) {
        throw new IllegalArgumentException(
            prefix
                + "."
                + key
                + " is empty: configure at least one token (environment "
                + (prefix + "." + key).toUpperCase().replace('.', '_').replace('-', '_')
                + ")");
      }
      given.forEach(t -> token(key, t, role));
      return this;
    }

    /** A token copied from an example file: {@code CHANGE_ME…}, {@code change-me-…}. */
    static boolean placeholder(String token) {
      String folded = token.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      return folded.startsWith("change-me") || folded.startsWith("changeme");
    }

    /**
     * Accepts, for {@code role}, the tokens {@code verify} maps to an identity (signed
     * credentials); {@code verify} answers empty for anything else.
     */
    public Builder<R> credentials(R role, Function<String, Optional<?>> verify) {
      this.credentials = new Credentials(role, verify);
      return this;
    }

    public BearerTokenInterceptor<R> build() {
      return new BearerTokenInterceptor<>(tokens, credentials);
    }
  }
}
