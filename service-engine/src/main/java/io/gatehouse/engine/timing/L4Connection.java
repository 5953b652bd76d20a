package io.gatehouse.engine.timing;

import io.gatehouse.api.analytics.v1.ConnectionEnd;
import io.gatehouse.api.analytics.v1.L4Protocol;
import io.gatehouse.api.analytics.v1.Significance;
import io.gatehouse.engine.analytics.ClientLogRecord;
import io.gatehouse.engine.analytics.ClientLogs;
import io.gatehouse.engine.listener.VirtualService;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import java.time.Instant;

/**
 * What the engine measures of one L4 connection (TCP) or UDP session, recorded once when it ends:
 * its duration (the {@link TimingComponent#TOTAL} component), the time to connect to the member
 * ({@link TimingComponent#MEMBER_CONNECT}, TCP), the round trips of both handshakes (TCP), the
 * bytes each way, and how it ended; and a client log when the client logs want it (every one with
 * full logs, else the failed ones). One event loop owns it.
 */
public final class L4Connection {
  private final VirtualService service;
  private final ClientLogs logs;
  private final L4Protocol protocol;
  private final String clientIp;
  private final long startedAt = System.nanoTime();
  private final Instant startedWall = Instant.now();
  private long clientRttMicros;
  private long serverRttMicros;
  private long memberConnectNanos = -1;
  private Pool pool;
  private Endpoint member;
  private long bytesIn;
  private long bytesOut;
  private ConnectionEnd end;
  private boolean recorded;

  public L4Connection(
      VirtualService service, ClientLogs logs, L4Protocol protocol, String clientIp) {
    this.service = service;
    this.logs = logs;
    this.protocol = protocol;
    this.clientIp = clientIp;
  }

  /** The round trip of the client's handshake, in µs (0: unknown). */
  public void clientRtt(long micros) {
    clientRttMicros = micros;
  }

  /** The member took the connection (TCP: its handshake's round trip in µs, 0 when unknown). */
  public void memberConnected(Pool pool, Endpoint member, long serverRttMicros) {
    this.pool = pool;
    this.member = member;
    this.serverRttMicros = serverRttMicros;
    if (protocol == L4Protocol.L4_PROTOCOL_TCP) {
      memberConnectNanos = System.nanoTime() - startedAt;
    }
  }

  public void bytesIn(long n) {
    bytesIn += n;
  }

  public void bytesOut(long n) {
    bytesOut += n;
  }

  /** How it is ending, if nothing said so before: the first cause seen wins. */
  public void ending(ConnectionEnd how) {
    if (end == null) {
      end = how;
    }
  }

  /** It ended: records its figures and its log, once ({@code how} unless a cause came first). */
  public void ended(ConnectionEnd how) {
    if (recorded) {
      return;
    }
    recorded = true;
    ending(how);
    long duration = System.nanoTime() - startedAt;
    if (member != null) {
      member.relayed(bytesIn, bytesOut);
    }
    record(TimingComponent.TOTAL, duration);
    if (memberConnectNanos >= 0) {
      record(TimingComponent.MEMBER_CONNECT, memberConnectNanos);
    }
    recordMicros(TimingComponent.CLIENT_RTT, clientRttMicros);
    recordMicros(TimingComponent.SERVER_RTT, serverRttMicros);
    boolean failed = end.getNumber() >= ConnectionEnd.CONNECTION_END_RESET.getNumber();
    if (logs.wantsConnection(service.fullClientLogs(), failed)) {
      logs.add(log(duration, failed));
    }
  }

  private ClientLogRecord log(long duration, boolean failed) {
    ClientLogRecord log = new ClientLogRecord();
    log.epochSecond = startedWall.getEpochSecond();
    log.nano = startedWall.getNano();
    log.virtualService = service.name();
    log.pool = pool == null ? "" : pool.name();
    log.clientIp = clientIp;
    log.bytesIn = bytesIn;
    log.bytesOut = bytesOut;
    log.totalNanos = duration;
    log.memberConnectNanos = memberConnectNanos;
    log.l4Protocol = protocol.getNumber();
    log.connectionEnd = end.getNumber();
    log.significance =
        failed ? Significance.SIGNIFICANCE_CONNECTION_ERROR.getNumber() : 0; // else full logs
    if (member != null) {
      log.endpointId = member.id();
      log.serverAddress = member.hostAndPort();
    }
    return log;
  }

  private void record(TimingComponent component, long nanos) {
    service.timings().record(component, nanos);
    if (member != null) {
      member.timings().record(component, nanos);
    }
  }

  private void recordMicros(TimingComponent component, long micros) {
    service.timings().recordMicros(component, micros);
    if (member != null) {
      member.timings().recordMicros(component, micros);
    }
  }
}
