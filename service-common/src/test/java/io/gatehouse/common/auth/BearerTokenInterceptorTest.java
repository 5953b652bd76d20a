package io.gatehouse.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BearerTokenInterceptorTest {
  enum Role {
    OPERATOR,
    SCALER
  }

  private static final String OPERATOR_TOKEN = "operator-token-0123456789";
  private static final String SCALER_TOKEN = "scaler-token-0123456789";

  /** A one-method service answering with the caller's role. */
  private static final MethodDescriptor<String, String> WHO_AM_I =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test.Identity/WhoAmI")
          .setRequestMarshaller(new Utf8())
          .setResponseMarshaller(new Utf8())
          .build();

  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    BearerTokenInterceptor<Role> interceptor =
        BearerTokenInterceptor.<Role>builder("gatehouse.test.auth")
            .required("operator-tokens", List.of(OPERATOR_TOKEN), Role.OPERATOR)
            .token("scaler-token", SCALER_TOKEN, Role.SCALER)
            .token("absent-token", null, Role.SCALER)
            .build();
    ServerServiceDefinition identity =
        ServerServiceDefinition.builder("test.Identity")
            .addMethod(
                WHO_AM_I,
                ServerCalls.asyncUnaryCall(
                    (request, out) -> {
                      // the role, and the token presented (to ask another replica with)
                      out.onNext(
                          BearerTokenInterceptor.currentRole(Role.class).name()
                              + " "
                              + BearerTokenInterceptor.currentToken().orElse("-"));
                      out.onCompleted();
                    }))
            .build();
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(ServerInterceptors.intercept(identity, interceptor))
            .addService(
                ServerInterceptors.intercept(
                    new HealthStatusManager().getHealthService(), interceptor))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void eachTokenAuthenticatesItsRole() {
    assertThat(call("Bearer " + OPERATOR_TOKEN)).isEqualTo("OPERATOR " + OPERATOR_TOKEN);
    assertThat(call("bearer  " + SCALER_TOKEN)).isEqualTo("SCALER " + SCALER_TOKEN);
  }

  @Test
  void unknownOrMissingTokensAreUnauthenticated() {
    for (String header : new String[] {null, "Bearer wrong-token-0123456789", OPERATOR_TOKEN}) {
      assertThatThrownBy(() -> call(header))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription()).contains("authorization: Bearer");
              });
    }
  }

  @Test
  void healthIsOpen() {
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void configurationMistakesNameTheKey() {
    assertThatThrownBy(
            () ->
                BearerTokenInterceptor.<Role>builder("gatehouse.test.auth")
                    .required("operator-tokens", List.of(), Role.OPERATOR))
        .hasMessageContaining("gatehouse.test.auth.operator-tokens is empty")
        .hasMessageContaining("GATEHOUSE_TEST_AUTH_OPERATOR_TOKENS");
    assertThatThrownBy(
            () ->
                BearerTokenInterceptor.<Role>builder("gatehouse.test.auth")
                    .token("scaler-token", "short", Role.SCALER))
        .hasMessageContaining("gatehouse.test.auth.scaler-token: tokens must be at least 16");
  }

  @Test
  void placeholdersFromExampleFilesAreRefusedNamingTheKeyNotTheToken() {
    for (String placeholder :
        List.of(
            "CHANGE_ME_OPERATOR_TOKEN",
            "change-me-operator-token-000000000001",
            "changeme0123456789")) {
      assertThatThrownBy(
              () ->
                  BearerTokenInterceptor.<Role>builder("gatehouse.test.auth")
                      .required("operator-tokens", List.of(placeholder), Role.OPERATOR))
          .hasMessageContaining("gatehouse.test.auth.operator-tokens: a placeholder")
          .hasMessageNotContaining(placeholder);
    }
  }

  private String call(String authorization) {
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(BearerTokenInterceptor.AUTHORIZATION, authorization);
    }
    return ClientCalls.blockingUnaryCall(
        io.grpc.ClientInterceptors.intercept(
            channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
        WHO_AM_I,
        CallOptions.DEFAULT,
        "?");
  }

  private static final class Utf8 implements MethodDescriptor.Marshaller<String> {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
