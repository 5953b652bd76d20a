package io.gatehouse.engine.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.config.EngineConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.ListenerConfig;
import io.gatehouse.engine.config.Protocol;
import io.gatehouse.engine.config.VirtualHostConfig;
import io.gatehouse.engine.config.VirtualServiceConfig;
import io.gatehouse.engine.testing.LeakCheck;
import io.gatehouse.engine.testing.RawHttpClient;
import io.gatehouse.engine.testing.RunningEngine;
import io.gatehouse.engine.testing.TestBackend;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many apps on one listener: child services chosen by host name and path prefix. */
@ExtendWith(LeakCheck.class)
class VirtualHostingIT {
  private final ServiceEngine engine = RunningEngine.start();
  private int port; // chosen once the members hold theirs: one of them cannot take it then
  private TestBackend front;
  private TestBackend shop;
  private TestBackend blogs;
  private TestBackend api;

  @BeforeEach
  void members() {
    front = TestBackend.start("front");
    shop = TestBackend.start("shop");
    blogs = TestBackend.start("blogs");
    api = TestBackend.start("api");
    port = RunningEngine.freePort();
  }

  @AfterEach
  void stop() {
    engine.close();
    List.of(front, shop, blogs, api).forEach(TestBackend::close);
  }

  private EngineConfig config(boolean withShop) {
    List<VirtualServiceConfig> services =
        new java.util.ArrayList<>(
            List.of(
                new VirtualServiceConfig(
                    "front",
                    List.of(new ListenerConfig("127.0.0.1", port, Protocol.HTTP)),
                    "front"),
                VirtualServiceConfig.child(
                    "blogs",
                    "blogs",
                    new VirtualHostConfig("front", List.of("*.blog.example.com"), ""),
                    List.of()),
                VirtualServiceConfig.child(
                    "api",
                    "api",
                    new VirtualHostConfig("front", List.of("shop.example.com"), "/hello"),
                    List.of())));
    if (withShop) {
      services.add(
          VirtualServiceConfig.child(
              "shop",
              "shop",
              new VirtualHostConfig("front", List.of("shop.example.com", "store.example.com"), ""),
              List.of()));
    }
    services.add(
        new VirtualServiceConfig(
            "secure",
            List.of(),
            "shop",
            null,
            List.of(),
            io.gatehouse.engine.config.ClientLogPolicy.SIGNIFICANT,
            new VirtualHostConfig("front", List.of("secure.example.com"), ""),
            io.gatehouse.engine.config.RateLimitConfig.NONE,
            true));
    return EngineConfig.of(
        services,
        List.of(
            RunningEngine.pool("front", LbAlgorithm.ROUND_ROBIN, front.port()),
            RunningEngine.pool("shop", LbAlgorithm.ROUND_ROBIN, shop.port()),
            RunningEngine.pool("blogs", LbAlgorithm.ROUND_ROBIN, blogs.port()),
            RunningEngine.pool("api", LbAlgorithm.ROUND_ROBIN, api.port())));
  }

  private void apply(EngineConfig config) {
    assertThat(engine.apply(config).failedServices()).isEmpty();
  }

  private static String get(RawHttpClient client, String target, String host) throws Exception {
    client.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    RawHttpClient.Answer answer = client.next();
    return answer.status() + " " + answer.body();
  }

  @Test
  void eachRequestOnOneConnectionGoesToTheChildThatClaimsItsHostAndPath() throws Exception {
    apply(config(true));

    try (RawHttpClient client = RawHttpClient.connect(port)) {
      assertThat(get(client, "/hello", "shop.example.com")).isEqualTo("200 hello from api");
      assertThat(get(client, "/headers", "shop.example.com")).startsWith("200 ").contains("host:");
      assertThat(get(client, "/hello", "Store.Example.COM.:8080")).isEqualTo("200 hello from shop");
      assertThat(get(client, "/hello", "a.b.blog.example.com")).isEqualTo("200 hello from blogs");
      assertThat(get(client, "/hello", "blog.example.com")).isEqualTo("200 hello from front");
      assertThat(get(client, "/hello", "127.0.0.1:" + port)).isEqualTo("200 hello from front");
      // an absolute URI names the host, whatever the Host header says (RFC 9112, 3.2.2)
      assertThat(get(client, "http://store.example.com/hello", "front.example.com"))
          .isEqualTo("200 hello from shop");
    }

    assertThat(engine.services().get("api").stats().requests()).isEqualTo(1);
    assertThat(engine.services().get("shop").stats().requests()).isEqualTo(3);
    assertThat(engine.services().get("front").stats().requests()).isEqualTo(2);
    assertThat(engine.services().get("front").stats().connectionsOpened()).isEqualTo(1);
  }

  @Test
  void aServiceThatWantsHttpsRedirectsPlainRequestsToTheSameHostAndTarget() throws Exception {
    apply(config(true));

    try (RawHttpClient client = RawHttpClient.connect(port)) {
      client.send("GET /cart?item=7 HTTP/1.1\r\nHost: Secure.example.com:" + port + "\r\n\r\n");
      RawHttpClient.Answer answer = client.next();
      assertThat(answer.status()).isEqualTo(301);
      assertThat(answer.headers())
          .containsEntry("location", "https://Secure.example.com/cart?item=7");
      assertThat(get(client, "/hello", "store.example.com")).isEqualTo("200 hello from shop");
      client.send("GET http://secure.example.com/a HTTP/1.1\r\nHost: other\r\n\r\n");
      assertThat(client.next().headers()).containsEntry("location", "https://secure.example.com/a");
    }
    assertThat(shop.connectionsSeen()).isEqualTo(1); // the redirected request never reached it
  }

  @Test
  void aRemovedChildsHostsGoToTheParentWithoutClosingItsConnections() throws Exception {
    apply(config(true));

    try (RawHttpClient client = RawHttpClient.connect(port)) {
      assertThat(get(client, "/hello", "store.example.com")).isEqualTo("200 hello from shop");
      apply(config(false));
      assertThat(get(client, "/hello", "store.example.com")).isEqualTo("200 hello from front");
      apply(config(true));
      assertThat(get(client, "/hello", "store.example.com")).isEqualTo("200 hello from shop");
    }
  }
}
