package io.gatehouse.analytics.query;

import com.google.protobuf.Timestamp;
import io.gatehouse.analytics.logs.LogStore;
import io.gatehouse.api.analytics.v1.ClientLog;
import io.gatehouse.api.analytics.v1.RequestTiming;
import io.gatehouse.api.analytics.v1.SearchLogsRequest;
import io.gatehouse.api.analytics.v1.SearchLogsResponse;
import io.gatehouse.common.grpc.Errors;
import io.grpc.Status;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;

/**
 * Client log search: one virtual service over at most 7 days, filtered by status, client network,
 * path prefix, least total time and significance; newest first, a page at a time (keyset pages, so
 * a deep page costs what the first does).
 */
@Singleton
final class LogSearch {
  private static final Duration MAX_RANGE = Duration.ofDays(7);

  private final DataSource dataSource;

  LogSearch(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  SearchLogsResponse search(SearchLogsRequest request, Instant now) {
    if (request.getVirtualService().isBlank()) {
      throw Errors.invalidArgument("virtual_service", "is required");
    }
    Instant[] range = QueryGrpcService.range(request.getRange(), MAX_RANGE, now);
    int size = request.getPageSize() == 0 ? 100 : request.getPageSize();
    if (size < 1 || size > 1000) {
      throw Errors.invalidArgument("page_size", "must be 1 to 1000 (0 means 100)");
    }
    StringBuilder sql =
        new StringBuilder("SELECT seq, ")
            .append(LogStore.COLUMNS)
            .append(" FROM client_log WHERE virtual_service = ? AND time >= ? AND time < ?");
    List<Object> args = new ArrayList<>();
    args.add(request.getVirtualService());
    args.add(java.sql.Timestamp.from(range[0]));
    args.add(java.sql.Timestamp.from(range[1]));
    if (request.getStatusMin() > 0) {
      sql.append(" AND status >= ?");
      args.add((int) request.getStatusMin());
    }
    if (request.getStatusMax() > 0) {
      sql.append(" AND status <= ?");
      args.add((int) request.getStatusMax());
    }
    if (!request.getClientCidr().isBlank()) {
      if (!request.getClientCidr().matches("[0-9a-fA-F:.]+(/\\d{1,3})?")) {
        throw Errors.invalidArgument("client_cidr", "is not an address or CIDR, e.g. 10.1.0.0/16");
      }
      sql.append(" AND client_ip <<= ?::inet");
      args.add(request.getClientCidr());
    }
    if (!request.getUriPrefix().isEmpty()) {
      sql.append(" AND uri_path LIKE ? ESCAPE '\\'");
      args.add(
          request.getUriPrefix().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
              + "%");
    }
    if (request.hasMinTotal()) {
      sql.append(" AND total_us >= ?");
      args.add(
          request.getMinTotal().getSeconds() * 1_000_000 + request.getMinTotal().getNanos() / 1000);
    }
    if (request.getSignificantOnly()) {
      sql.append(" AND significance > 0");
    }
    if (!request.getPageToken().isEmpty()) {
      long[] after = token(request.getPageToken());
      sql.append(" AND (time, seq) < (?, ?)");
      args.add(java.sql.Timestamp.from(Instant.EPOCH.plusNanos(after[0] * 1000)));
      args.add(after[1]);
    }
    sql.append(" ORDER BY time DESC, seq DESC LIMIT ?");
    args.add(size + 1);
    try (Connection c = dataSource.getConnection();
        PreparedStatement st = c.prepareStatement(sql.toString())) {
      c.setReadOnly(true);
      for (int i = 0; i < args.size(); i++) {
        st.setObject(i + 1, args.get(i));
      }
      SearchLogsResponse.Builder response = SearchLogsResponse.newBuilder();
      long lastSeq = 0;
      Instant lastTime = null;
      int n = 0;
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          if (n == size) {
            response.setNextPageToken(token(lastTime, lastSeq));
            break;
          }
          lastSeq = rs.getLong(1);
          lastTime = rs.getTimestamp(2).toInstant();
          response.addLogs(log(rs, lastTime));
          n++;
        }
      }
      return response.build();
    } catch (SQLException e) {
      throw Status.UNAVAILABLE
          .withDescription("the analytics store does not answer; try again")
          .asRuntimeException();
    }
  }

  private static ClientLog log(ResultSet rs, Instant time) throws SQLException {
    return ClientLog.newBuilder()
        .setTime(Timestamp.newBuilder().setSeconds(time.getEpochSecond()).setNanos(time.getNano()))
        .setVirtualService(rs.getString(3))
        .setPool(rs.getString(4))
        .setEndpointId(rs.getString(5))
        .setServerAddress(rs.getString(6))
        .setAppId(rs.getString(7))
        .setClientIp(rs.getString(8) == null ? "" : rs.getString(8))
        .setClientPort(rs.getInt(9))
        .setMethod(rs.getString(10))
        .setUriPath(rs.getString(11))
        .setUriQuery(rs.getString(12))
        .setHost(rs.getString(13))
        .setUserAgent(rs.getString(14))
        .setStatus(rs.getInt(15))
        .setBytesIn(rs.getLong(16))
        .setBytesOut(rs.getLong(17))
        .setTiming(
            RequestTiming.newBuilder()
                .setClientRtt(Durations.micros(rs.getLong(18)))
                .setServerRtt(Durations.micros(rs.getLong(19)))
                .setAppResponse(Durations.micros(rs.getLong(20)))
                .setDataTransfer(Durations.micros(rs.getLong(21)))
                .setTotal(Durations.micros(rs.getLong(22)))
                .setMemberConnect(Durations.micros(rs.getLong(26))))
        .setSignificanceValue(rs.getInt(23))
        .setSeId(rs.getString(24))
        .setRequestId(rs.getString(25))
        .setL4ProtocolValue(rs.getInt(27))
        .setConnectionEndValue(rs.getInt(28))
        .build();
  }

  private static String token(Instant time, long seq) {
    long micros = time.getEpochSecond() * 1_000_000 + time.getNano() / 1000;
    return Base64.getUrlEncoder()
        .encodeToString((micros + ":" + seq).getBytes(StandardCharsets.US_ASCII));
  }

  private static long[] token(String token) {
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII).split(":");
      return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    } catch (RuntimeException e) {
      throw Errors.invalidArgument("page_token", "is not a token this search returned");
    }
  }
}
