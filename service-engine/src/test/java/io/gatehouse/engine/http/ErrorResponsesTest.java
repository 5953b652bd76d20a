package io.gatehouse.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {
  @Test
  void aGrpcCallIsAnsweredWithItsStatusInTrailersOnly() {
    FullHttpResponse answer =
        ErrorResponses.answer(
            request("application/grpc+proto"),
            HttpResponseStatus.TOO_MANY_REQUESTS,
            "rate limit reached",
            null);
    try {
      assertThat(answer.status()).isEqualTo(HttpResponseStatus.OK);
      assertThat(answer.headers().get("content-type")).isEqualTo("application/grpc");
      assertThat(answer.headers().get("grpc-status")).isEqualTo("8"); // RESOURCE_EXHAUSTED
      assertThat(answer.headers().get("grpc-message")).isEqualTo("429 rate limit reached");
      assertThat(answer.content().readableBytes()).isZero();
    } finally {
      answer.release();
    }
  }

  @Test
  void aRedirectIsARedirectEvenToAGrpcCall() {
    FullHttpResponse answer =
        ErrorResponses.answer(
            request("application/grpc"),
            HttpResponseStatus.MOVED_PERMANENTLY,
            "use https://a.example/",
            "https://a.example/");
    try {
      assertThat(answer.status()).isEqualTo(HttpResponseStatus.MOVED_PERMANENTLY);
      assertThat(answer.headers().get("location")).isEqualTo("https://a.example/");
      assertThat(answer.headers().contains("grpc-status")).isFalse();
    } finally {
      answer.release();
    }
  }

  @Test
  void anythingElseGetsPlainTextThatSaysWhatHappened() {
    FullHttpResponse answer =
        ErrorResponses.answer(
            request(null), HttpResponseStatus.TOO_MANY_REQUESTS, "rate limit reached", null);
    try {
      assertThat(answer.status()).isEqualTo(HttpResponseStatus.TOO_MANY_REQUESTS);
      assertThat(answer.headers().get("content-type")).isEqualTo("text/plain; charset=utf-8");
      assertThat(answer.headers().get("retry-after")).isEqualTo("1");
      assertThat(answer.content().toString(StandardCharsets.UTF_8))
          .isEqualTo("429 Too Many Requests: rate limit reached\n");
      assertThat(answer.headers().getInt("content-length"))
          .isEqualTo(answer.content().readableBytes());
    } finally {
      answer.release();
    }
  }

  private static HttpRequest request(String contentType) {
    HttpRequest request =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/svc/Call");
    if (contentType != null) {
      request.headers().set("content-type", contentType);
    }
    return request;
  }
}
