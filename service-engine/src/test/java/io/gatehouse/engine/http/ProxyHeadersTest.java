package io.gatehouse.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {
  @Test
  void hopByHopHeadersAndThoseConnectionNamesStayBehind() {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    request.headers().set("Connection", "keep-alive, X-Session-Hint");
    request.headers().set("X-Session-Hint", "1");
    request.headers().set("Keep-Alive", "timeout=5");
    request.headers().set("TE", "trailers");
    request.headers().set("Expect", "100-continue");
    request.headers().set("X-Forwarded-For", "203.0.113.7");
    request.headers().set("Accept", "*/*");

    ProxyHeaders.toUpstream(request, "10.1.2.3", "http");

    assertThat(request.headers().names())
        .containsExactlyInAnyOrder("Accept", "x-forwarded-for", "x-forwarded-proto");
    assertThat(request.headers().get("X-Forwarded-For")).isEqualTo("203.0.113.7, 10.1.2.3");
    assertThat(request.headers().get("X-Forwarded-Proto")).isEqualTo("http");
  }

  @Test
  void aResponseWithoutLengthEndsTheClientConnection() {
    HttpResponse framed = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    framed.headers().set("Content-Length", "5");
    framed.headers().set("Connection", "keep-alive");
    assertThat(ProxyHeaders.toClient(framed, true, HttpVersion.HTTP_1_1)).isTrue();
    assertThat(framed.headers().contains("Connection")).isFalse();

    HttpResponse unframed = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    assertThat(ProxyHeaders.toClient(unframed, true, HttpVersion.HTTP_1_1)).isFalse();
    assertThat(unframed.headers().get("Connection")).isEqualTo("close");

    HttpResponse chunked = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    chunked.headers().set("Transfer-Encoding", "chunked");
    assertThat(ProxyHeaders.toClient(chunked, true, HttpVersion.HTTP_1_1)).isTrue();
    assertThat(chunked.headers().get("Transfer-Encoding")).isEqualTo("chunked");
  }

  @Test
  void anHttp10ClientGetsABodyEndedByTheConnectionInsteadOfChunks() {
    HttpResponse chunked = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    chunked.headers().set("Transfer-Encoding", "chunked");
    assertThat(ProxyHeaders.toClient(chunked, true, HttpVersion.HTTP_1_0)).isFalse();
    assertThat(chunked.headers().contains("Transfer-Encoding")).isFalse();
    assertThat(chunked.headers().get("Connection")).isEqualTo("close");
  }

  @Test
  void aConnectionHeaderNeverTakesTheFramingOrTheHostAlong() {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
    request.headers().set("Connection", "Content-Length, transfer-encoding, HOST");
    request.headers().set("Content-Length", "5");
    request.headers().set("Host", "app");

    ProxyHeaders.toUpstream(request, "10.1.2.3", "http");

    assertThat(request.headers().get("Content-Length")).isEqualTo("5");
    assertThat(request.headers().get("Host")).isEqualTo("app");
  }
}
