package io.gatehouse.engine.analytics;

import com.google.protobuf.CodedOutputStream;
import io.gatehouse.api.analytics.v1.ClientLog;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One request's client log, filled field by field on the request path and encoded straight into the
 * wire form of {@link ClientLog}: a byte array per log, and no message objects. A record is reused:
 * an event loop keeps one and fills it for every request it logs.
 */
public final class ClientLogRecord {
  // field numbers of gatehouse.analytics.v1.ClientLog, RequestTiming, Timestamp and Duration
  private static final int TIME = 1;
  private static final int VIRTUAL_SERVICE = 2;
  private static final int POOL = 3;
  private static final int ENDPOINT_ID = 4;
  private static final int SERVER_ADDRESS = 5;
  private static final int CLIENT_IP = 7;
  private static final int METHOD = 9;
  private static final int URI_PATH = 10;
  private static final int URI_QUERY = 11;
  private static final int HOST = 12;
  private static final int USER_AGENT = 13;
  private static final int STATUS = 14;
  private static final int BYTES_IN = 15;
  private static final int BYTES_OUT = 16;
  private static final int TIMING = 17;
  private static final int SIGNIFICANCE = 18;
  private static final int REQUEST_ID = 20;
  private static final int L4_PROTOCOL = 21;
  private static final int CONNECTION_END = 22;
  private static final int APP_RESPONSE = 3;
  private static final int DATA_TRANSFER = 4;
  private static final int TOTAL = 5;
  private static final int MEMBER_CONNECT = 6;

  public long epochSecond;
  public int nano;
  public String virtualService = "";
  public String pool = "";
  public String endpointId = "";
  public String serverAddress = "";
  public String clientIp = "";
  public String method = "";
  public String uriPath = "";
  public String uriQuery = "";
  public String host = "";
  public String userAgent = "";
  public int status;
  public long bytesIn;
  public long bytesOut;
  public int significance;
  public String requestId = "";

  /** L4 logs: the {@code L4Protocol} and {@code ConnectionEnd} numbers; 0 for an HTTP request. */
  public int l4Protocol;

  public int connectionEnd;

  /** Timing components in nanoseconds; negative when not measured. */
  public long totalNanos = -1;

  public long appResponseNanos = -1;
  public long dataTransferNanos = -1;
  public long memberConnectNanos = -1;

  /** Empties the record for the next request. */
  public ClientLogRecord clear() {
    epochSecond = 0;
    nano = 0;
    virtualService = pool = endpointId = serverAddress = clientIp = "";
    method = uriPath = uriQuery = host = userAgent = requestId = "";
    status = 0;
    bytesIn = bytesOut = 0;
    significance = l4Protocol = connectionEnd = 0;
    totalNanos = appResponseNanos = dataTransferNanos = memberConnectNanos = -1;
    return this;
  }

  /** The log in the wire form of {@link ClientLog}. */
  public byte[] encode() {
    int timeSize = timestampSize();
    int timingSize = timingSize();
    int size =
        CodedOutputStream.computeTagSize(TIME)
            + CodedOutputStream.computeUInt32SizeNoTag(timeSize)
            + timeSize
            + stringSize(VIRTUAL_SERVICE, virtualService)
            + stringSize(POOL, pool)
            + stringSize(ENDPOINT_ID, endpointId)
            + stringSize(SERVER_ADDRESS, serverAddress)
            + stringSize(CLIENT_IP, clientIp)
            + stringSize(METHOD, method)
            + stringSize(URI_PATH, uriPath)
            + stringSize(URI_QUERY, uriQuery)
            + stringSize(HOST, host)
            + stringSize(USER_AGENT, userAgent)
            + (status == 0 ? 0 : CodedOutputStream.computeUInt32Size(STATUS, status))
            + (bytesIn == 0 ? 0 : CodedOutputStream.computeUInt64Size(BYTES_IN, bytesIn))
            + (bytesOut == 0 ? 0 : CodedOutputStream.computeUInt64Size(BYTES_OUT, bytesOut))
            + (timingSize == 0
                ? 0
                : CodedOutputStream.computeTagSize(TIMING)
                    + CodedOutputStream.computeUInt32SizeNoTag(timingSize)
                    + timingSize)
            + (significance == 0
                ? 0
                : CodedOutputStream.computeEnumSize(SIGNIFICANCE, significance))
            + stringSize(REQUEST_ID, requestId)
            + (l4Protocol == 0 ? 0 : CodedOutputStream.computeEnumSize(L4_PROTOCOL, l4Protocol))
            + (connectionEnd == 0
                ? 0
                : CodedOutputStream.computeEnumSize(CONNECTION_END, connectionEnd));
    byte[] bytes = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeTag(TIME, 2);
      out.writeUInt32NoTag(timeSize);
      writeSecondsAndNanos(out, epochSecond, nano);
      writeString(out, VIRTUAL_SERVICE, virtualService);
      writeString(out, POOL, pool);
      writeString(out, ENDPOINT_ID, endpointId);
      writeString(out, SERVER_ADDRESS, serverAddress);
      writeString(out, CLIENT_IP, clientIp);
      writeString(out, METHOD, method);
      writeString(out, URI_PATH, uriPath);
      writeString(out, URI_QUERY, uriQuery);
      writeString(out, HOST, host);
      writeString(out, USER_AGENT, userAgent);
      if (status != 0) {
        out.writeUInt32(STATUS, status);
      }
      if (bytesIn != 0) {
        out.writeUInt64(BYTES_IN, bytesIn);
      }
      if (bytesOut != 0) {
        out.writeUInt64(BYTES_OUT, bytesOut);
      }
      if (timingSize != 0) {
        out.writeTag(TIMING, 2);
        out.writeUInt32NoTag(timingSize);
        writeDuration(out, APP_RESPONSE, appResponseNanos);
        writeDuration(out, DATA_TRANSFER, dataTransferNanos);
        writeDuration(out, TOTAL, totalNanos);
        writeDuration(out, MEMBER_CONNECT, memberConnectNanos);
      }
      if (significance != 0) {
        out.writeEnum(SIGNIFICANCE, significance);
      }
      writeString(out, REQUEST_ID, requestId);
      if (l4Protocol != 0) {
        out.writeEnum(L4_PROTOCOL, l4Protocol);
      }
      if (connectionEnd != 0) {
        out.writeEnum(CONNECTION_END, connectionEnd);
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the array was sized to fit: cannot happen
    }
    return bytes;
  }

  private int timestampSize() {
    return secondsAndNanosSize(epochSecond, nano);
  }

  private int timingSize() {
    return durationSize(APP_RESPONSE, appResponseNanos)
        + durationSize(DATA_TRANSFER, dataTransferNanos)
        + durationSize(TOTAL, totalNanos)
        + durationSize(MEMBER_CONNECT, memberConnectNanos);
  }

  /** A Duration field; absent (0 bytes) when not measured. */
  private static int durationSize(int field, long nanos) {
    if (nanos < 0) {
      return 0;
    }
    int inner = secondsAndNanosSize(nanos / 1_000_000_000, (int) (nanos % 1_000_000_000));
    return CodedOutputStream.computeTagSize(field)
        + CodedOutputStream.computeUInt32SizeNoTag(inner)
        + inner;
  }

  private static void writeDuration(CodedOutputStream out, int field, long nanos)
      throws IOException {
    if (nanos < 0) {
      return;
    }
    long seconds = nanos / 1_000_000_000;
    int rest = (int) (nanos % 1_000_000_000);
    out.writeTag(field, 2);
    out.writeUInt32NoTag(secondsAndNanosSize(seconds, rest));
    writeSecondsAndNanos(out, seconds, rest);
  }

  /** The body of a Timestamp or a Duration: seconds = 1 (int64), nanos = 2 (int32). */
  private static int secondsAndNanosSize(long seconds, int nanos) {
    return (seconds == 0 ? 0 : CodedOutputStream.computeInt64Size(1, seconds))
        + (nanos == 0 ? 0 : CodedOutputStream.computeInt32Size(2, nanos));
  }

  private static void writeSecondsAndNanos(CodedOutputStream out, long seconds, int nanos)
      throws IOException {
    if (seconds != 0) {
      out.writeInt64(1, seconds);
    }
    if (nanos != 0) {
      out.writeInt32(2, nanos);
    }
  }

  private static int stringSize(int field, String value) {
    return value.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, value);
  }

  private static void writeString(CodedOutputStream out, int field, String value)
      throws IOException {
    if (!value.isEmpty()) {
      out.writeString(field, value);
    }
  }
}
