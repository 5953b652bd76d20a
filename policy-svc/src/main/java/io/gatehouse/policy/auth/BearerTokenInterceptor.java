package io.gatehouse.policy.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates every call by its {@code authorization: Bearer <token>} header and puts the {@link
 * Caller} in the gRPC context. The standard health and reflection services are open. Tokens are
 * compared as SHA-256 digests in constant time and never logged.
 */
@Singleton
public final class BearerTokenInterceptor implements ServerInterceptor, Ordered {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Set<String> OPEN_SERVICES =
      Set.of(
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection");

  private final Map<byte[], Role> tokens = new LinkedHashMap<>();

  public BearerTokenInterceptor(AuthConfig config) {
    List<String> operators = config.operatorTokens() == null ? List.of() : config.operatorTokens();
    operators.forEach(token -> add(token, Role.OPERATOR, "operator-tokens"));
    if (tokens.isEmpty()) {
      throw new ConfigurationException(
          "gatehouse.policy.auth.operator-tokens is empty: configure at least one operator token"
              + " (environment GATEHOUSE_POLICY_AUTH_OPERATOR_TOKENS)");
    }
    add(config.discoveryToken(), Role.DISCOVERY, "discovery-token");
    add(config.seManagerToken(), Role.SE_MANAGER, "se-manager-token");
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE; // outermost: nothing runs for an unauthenticated call
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (OPEN_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    Role role = authenticate(headers.get(AUTHORIZATION));
    if (role == null) {
      call.close(
          Status.UNAUTHENTICATED.withDescription(
              "missing or unknown bearer token: send \"authorization: Bearer <token>\""),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context context = Context.current().withValue(Caller.CONTEXT_KEY, new Caller(role));
    return Contexts.interceptCall(context, call, headers, next);
  }

  private Role authenticate(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    byte[] presented = sha256(header.substring(7).trim());
    Role found = null;
    for (Map.Entry<byte[], Role> entry : tokens.entrySet()) {
      if (MessageDigest.isEqual(entry.getKey(), presented)) {
        found = entry.getValue(); // keep looping: the time taken does not depend on the match
      }
    }
    return found;
  }

  private void add(String token, Role role, String key) {
    if (token == null || token.isBlank()) {
      return;
    }
    if (token.length() < 16) {
      throw new ConfigurationException(
          "gatehouse.policy.auth." + key + ": tokens must be at least 16 characters");
    }
    tokens.put(sha256(token), role);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
