package io.gatehouse.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class HttpsRedirectTest {
  private static String location(String uri, String host) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    if (host != null) {
      request.headers().set("Host", host);
    }
    return HttpsRedirect.location(request);
  }

  @Test
  void theLocationKeepsHostAndTargetAndDropsThePort() {
    assertThat(location("/a?b=c", "shop.example.com:8080"))
        .isEqualTo("https://shop.example.com/a?b=c");
    assertThat(location("/", "[::1]:8080")).isEqualTo("https://[::1]/");
    assertThat(location("http://shop.example.com", "other")).isEqualTo("https://shop.example.com/");
    assertThat(location("*", "shop.example.com")).isEqualTo("https://shop.example.com/");
  }

  @Test
  void aHostThatIsNotPlainIsNeverEchoedIntoALocation() {
    assertThat(location("/", "user@evil.example.com")).isNull();
    assertThat(location("/", "evil.example.com\\x")).isNull();
    assertThat(location("/", "")).isNull();
    assertThat(location("/", null)).isNull();
    assertThat(location("/", "[::1")).isNull();
  }
}
