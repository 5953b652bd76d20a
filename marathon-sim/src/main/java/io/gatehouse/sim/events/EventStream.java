package io.gatehouse.sim.events;

import io.gatehouse.sim.http.HttpExchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /v2/events} exactly as Marathon's Jetty EventSourceServlet answers it: the request's
 * Accept header must be exactly {@code text/event-stream} (else 405 with Jetty's HTML page); the
 * response has no length and no chunking and ends when the connection closes; each event is {@code
 * event: <type>\r\ndata: <json>\r\n\r\n}; a bare {@code \r\n} is sent every heartbeat interval. A
 * consumer more than {@code maxOutstanding} events behind is disconnected, as Marathon 1.8+ does.
 * {@code ?event_type=} filters; {@code plan-format} is accepted (plans are light).
 */
public final class EventStream {
  static final String HTML_405 =
      """
      <html>
      <head>
      <meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>
      <title>Error 405 </title>
      </head>
      <body>
      <h2>HTTP ERROR: 405</h2>
      <p>Problem accessing /v2/events. Reason:
      <pre>    HTTP method GET is not supported by this URL</pre></p>
      <hr /><a href="http://eclipse.org/jetty">Powered by Jetty:// 9.4.z</a><hr/>
      </body>
      </html>
      """;
  private static final byte[] CRLF = {'\r', '\n'};

  private final EventBus bus;
  private final ScheduledExecutorService timer;
  private final Duration heartbeat;
  private final int maxOutstanding;

  /** The stall switch of each open stream. */
  private final Set<AtomicBoolean> open = ConcurrentHashMap.newKeySet();

  public EventStream(
      EventBus bus, ScheduledExecutorService timer, Duration heartbeat, int maxOutstanding) {
    this.bus = bus;
    this.timer = timer;
    this.heartbeat = heartbeat;
    this.maxOutstanding = maxOutstanding;
  }

  /** Serves one stream until the client goes away. */
  public void handle(HttpExchange exchange) {
    if (!"text/event-stream".equals(exchange.header("Accept"))) {
      exchange.text(405, HTML_405, "text/html;charset=ISO-8859-1");
      return;
    }
    List<String> types = exchange.queryParams("event_type");
    Channel channel = exchange.context().channel();
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream;charset=UTF-8");
    head.headers().set(HttpHeaderNames.CONNECTION, "close");
    head.headers().set(HttpHeaderNames.SERVER, "Jetty(9.4.z) marathon-sim");
    channel.writeAndFlush(head);

    AtomicInteger outstanding = new AtomicInteger();
    AtomicBoolean stalled = new AtomicBoolean();
    open.add(stalled);
    EventBus.Subscriber subscriber =
        new EventBus.Subscriber() {
          @Override
          public void onEvent(String eventType, String json) {
            if (stalled.get() || (!types.isEmpty() && !types.contains(eventType))) {
              return;
            }
            if (outstanding.incrementAndGet() > maxOutstanding) {
              channel.close(); // a slow consumer is dropped, not buffered without bound
              return;
            }
            String frame = "event: " + eventType + "\r\ndata: " + json + "\r\n\r\n";
            channel
                .writeAndFlush(Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8))
                .addListener(f -> outstanding.decrementAndGet());
          }
        };
    ScheduledFuture<?> keepAlive =
        timer.scheduleAtFixedRate(
            () -> {
              if (stalled.get()) {
                return;
              }
              ByteBuf beat = Unpooled.wrappedBuffer(CRLF);
              channel.writeAndFlush(beat).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            },
            heartbeat.toMillis(),
            heartbeat.toMillis(),
            TimeUnit.MILLISECONDS);
    channel
        .closeFuture()
        .addListener(
            f -> {
              keepAlive.cancel(false);
              open.remove(stalled);
              bus.unsubscribe(subscriber);
              bus.publish(detached(exchange));
            });
    bus.subscribe(subscriber);
    bus.publish(bus.event("event_stream_attached").put("remoteAddress", remoteAddress(exchange)));
  }

  /**
   * Makes every stream open now go silent — no events, no keep-alives — while its connection stays
   * open, as a dead proxy or a network partition leaves it; streams opened later are served.
   * Returns how many streams were stalled.
   */
  public int stallOpenStreams() {
    int count = 0;
    for (AtomicBoolean stalled : open) {
      if (!stalled.getAndSet(true)) {
        count++;
      }
    }
    return count;
  }

  private com.fasterxml.jackson.databind.node.ObjectNode detached(HttpExchange exchange) {
    return bus.event("event_stream_detached").put("remoteAddress", remoteAddress(exchange));
  }

  private static String remoteAddress(HttpExchange exchange) {
    var address = (java.net.InetSocketAddress) exchange.context().channel().remoteAddress();
    return address.getAddress().getHostAddress();
  }
}
