package io.gatehouse.engine.http;

import io.gatehouse.engine.analytics.ClientLogRecord;
import io.gatehouse.engine.analytics.ClientLogs;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import io.gatehouse.engine.timing.RequestTimings;
import io.gatehouse.engine.timing.TimingComponent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Instant;

/**
 * What one request leaves behind when its exchange ends: its timings, for its virtual service and
 * member, and its client log when the logs want it. Times are {@link System#nanoTime()} readings.
 */
final class ExchangeRecords {
  private static final String REQUEST_ID = "X-Request-Id";

  /** The record an event loop fills for each request it logs, encoded before it is filled again. */
  private static final FastThreadLocal<ClientLogRecord> LOG_RECORD =
      new FastThreadLocal<>() {
        @Override
        protected ClientLogRecord initialValue() {
          return new ClientLogRecord();
        }
      };

  private ExchangeRecords() {}

  /**
   * Records a request's timing. The round trips are those of the handshakes of the client's and the
   * member's connections ({@link io.gatehouse.engine.timing.TcpRtt}), read once per connection, so
   * no request pays a system call for them; 0 when unknown.
   */
  static void timings(
      VirtualService service,
      Endpoint member,
      long clientRttMicros,
      long serverRttMicros,
      long receivedAt,
      long sentAt,
      long firstByteAt) {
    long now = System.nanoTime();
    RequestTimings forService = service.timings();
    RequestTimings forMember = member.timings();
    record(forService, forMember, TimingComponent.APP_RESPONSE, firstByteAt - sentAt);
    record(forService, forMember, TimingComponent.DATA_TRANSFER, now - firstByteAt);
    record(forService, forMember, TimingComponent.TOTAL, now - receivedAt);
    if (clientRttMicros > 0) {
      forService.recordMicros(TimingComponent.CLIENT_RTT, clientRttMicros);
      forMember.recordMicros(TimingComponent.CLIENT_RTT, clientRttMicros);
    }
    if (serverRttMicros > 0) {
      forService.recordMicros(TimingComponent.SERVER_RTT, serverRttMicros);
      forMember.recordMicros(TimingComponent.SERVER_RTT, serverRttMicros);
    }
  }

  private static void record(
      RequestTimings service, RequestTimings member, TimingComponent component, long nanos) {
    service.record(component, nanos);
    member.record(component, nanos);
  }

  /**
   * Hands a request to the client logs when they want it (an error or a slow request, or every
   * request with full logs on); the log is built only then. {@code member} is null when none was
   * reached, {@code firstByteAt} 0 when no response came.
   */
  static void clientLog(
      ClientConnection connection,
      VirtualService service,
      Pool pool,
      HttpRequest head,
      int code,
      long bytesOut,
      Endpoint member,
      long receivedAt,
      long sentAt,
      long firstByteAt) {
    ClientLogs logs = connection.settings().clientLogs();
    long now = System.nanoTime();
    long total = now - receivedAt;
    long slow = service.significantNanos();
    if (!logs.wants(service.fullClientLogs(), slow, code, total)) {
      return;
    }
    Instant wall = Instant.now();
    long wallNanos = wall.getEpochSecond() * 1_000_000_000L + wall.getNano() - total; // arrival
    String uri = head.uri();
    int query = uri.indexOf('?');
    ClientLogRecord log = LOG_RECORD.get().clear();
    log.epochSecond = Math.floorDiv(wallNanos, 1_000_000_000L);
    log.nano = (int) Math.floorMod(wallNanos, 1_000_000_000L);
    log.virtualService = service.name();
    log.pool = pool == null ? "" : pool.name();
    boolean details = service.clientDetails();
    log.clientIp = details ? connection.clientAddress() : "";
    log.method = head.method().name();
    log.uriPath = query < 0 ? uri : uri.substring(0, query);
    log.uriQuery = query < 0 ? "" : uri.substring(query + 1);
    log.host = header(head, HttpHeaderNames.HOST);
    log.userAgent = details ? header(head, HttpHeaderNames.USER_AGENT) : "";
    log.status = code;
    log.bytesOut = bytesOut;
    log.requestId = header(head, REQUEST_ID);
    log.significance = logs.significance(code, total, slow).getNumber();
    log.totalNanos = total;
    if (member != null) {
      log.endpointId = member.id();
      log.serverAddress = member.hostAndPort();
      if (firstByteAt > 0) {
        log.appResponseNanos = firstByteAt - sentAt;
        log.dataTransferNanos = now - firstByteAt;
      }
    }
    logs.add(log);
  }

  private static String header(HttpRequest head, CharSequence name) {
    String value = head.headers().get(name);
    return value == null ? "" : value;
  }
}
