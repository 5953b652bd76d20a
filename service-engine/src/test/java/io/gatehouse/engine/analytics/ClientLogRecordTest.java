package io.gatehouse.engine.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.ConnectionEnd;
import io.gatehouse.api.analytics.v1.L4Protocol;
import io.gatehouse.api.analytics.v1.RequestTiming;
import io.gatehouse.api.analytics.v1.Significance;
import org.junit.jupiter.api.Test;

/** A record encodes to exactly the bytes the generated ClientLog would. */
class ClientLogRecordTest {
  @Test
  void aFullRecordIsTheSameOnTheWireAsTheMessage() {
    ClientLogRecord record = new ClientLogRecord();
    record.epochSecond = 1_795_000_000L;
    record.nano = 123_456_789;
    record.virtualService = "shop/80";
    record.pool = "shop";
    record.endpointId = "10.0.0.5:31001";
    record.serverAddress = "10.0.0.5:31001";
    record.clientIp = "192.0.2.7";
    record.method = "GET";
    record.uriPath = "/cart/ünïcode";
    record.uriQuery = "page=2";
    record.host = "shop.example";
    record.userAgent = "curl/8.5";
    record.status = 502;
    record.bytesOut = 1_234_567_890_123L;
    record.significance = Significance.SIGNIFICANCE_SERVER_ERROR.getNumber();
    record.requestId = "req-1";
    record.totalNanos = 3_000_000_123L;
    record.appResponseNanos = 2_500_000_000L;
    record.dataTransferNanos = 0;

    ClientLog message =
        ClientLog.newBuilder()
            .setTime(Timestamp.newBuilder().setSeconds(1_795_000_000L).setNanos(123_456_789))
            .setVirtualService("shop/80")
            .setPool("shop")
            .setEndpointId("10.0.0.5:31001")
            .setServerAddress("10.0.0.5:31001")
            .setClientIp("192.0.2.7")
            .setMethod("GET")
            .setUriPath("/cart/ünïcode")
            .setUriQuery("page=2")
            .setHost("shop.example")
            .setUserAgent("curl/8.5")
            .setStatus(502)
            .setBytesOut(1_234_567_890_123L)
            .setSignificance(Significance.SIGNIFICANCE_SERVER_ERROR)
            .setRequestId("req-1")
            .setTiming(
                RequestTiming.newBuilder()
                    .setAppResponse(Duration.newBuilder().setSeconds(2).setNanos(500_000_000))
                    .setDataTransfer(Duration.getDefaultInstance())
                    .setTotal(Duration.newBuilder().setSeconds(3).setNanos(123)))
            .build();

    assertThat(record.encode()).isEqualTo(message.toByteArray());
  }

  @Test
  void anL4RecordIsTheSameOnTheWireAsTheMessage() {
    ClientLogRecord record = new ClientLogRecord();
    record.epochSecond = 1_795_000_000L;
    record.virtualService = "db";
    record.clientIp = "192.0.2.7";
    record.bytesIn = 4096;
    record.bytesOut = 1 << 20;
    record.totalNanos = 300_000_000L;
    record.memberConnectNanos = 250_000L;
    record.l4Protocol = L4Protocol.L4_PROTOCOL_TCP.getNumber();
    record.connectionEnd = ConnectionEnd.CONNECTION_END_MEMBER_CLOSED.getNumber();

    ClientLog message =
        ClientLog.newBuilder()
            .setTime(Timestamp.newBuilder().setSeconds(1_795_000_000L))
            .setVirtualService("db")
            .setClientIp("192.0.2.7")
            .setBytesIn(4096)
            .setBytesOut(1 << 20)
            .setTiming(
                RequestTiming.newBuilder()
                    .setTotal(Duration.newBuilder().setNanos(300_000_000))
                    .setMemberConnect(Duration.newBuilder().setNanos(250_000)))
            .setL4Protocol(L4Protocol.L4_PROTOCOL_TCP)
            .setConnectionEnd(ConnectionEnd.CONNECTION_END_MEMBER_CLOSED)
            .build();

    assertThat(record.encode()).isEqualTo(message.toByteArray());
  }

  @Test
  void anEmptyRecordCarriesOnlyItsTimeAndAClearedOneIsEmptyAgain() throws Exception {
    ClientLogRecord record = new ClientLogRecord();
    assertThat(ClientLog.parseFrom(record.encode()))
        .isEqualTo(ClientLog.newBuilder().setTime(Timestamp.getDefaultInstance()).build());

    record.method = "POST";
    record.totalNanos = 5;
    record.bytesIn = 7;
    record.memberConnectNanos = 3;
    record.l4Protocol = 2;
    record.connectionEnd = 3;
    record.clear();
    assertThat(record.encode()).isEqualTo(new ClientLogRecord().encode());
  }
}
