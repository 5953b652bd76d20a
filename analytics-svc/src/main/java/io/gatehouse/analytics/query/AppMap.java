package io.gatehouse.analytics.query;

import io.gatehouse.analytics.apps.TaskAddresses;
import io.gatehouse.analytics.rollup.Level;
import io.gatehouse.analytics.rollup.RollupRow;
import io.gatehouse.analytics.rollup.RollupStore;
import io.gatehouse.api.analytics.v1.AppMapEdge;
import io.gatehouse.api.analytics.v1.AppMapNode;
import io.gatehouse.api.analytics.v1.AppMapNodeKind;
import io.gatehouse.api.analytics.v1.ConnectionEnd;
import io.gatehouse.api.analytics.v1.GetAppMapRequest;
import io.gatehouse.api.analytics.v1.GetAppMapResponse;
import io.grpc.Status;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The application map over a range of at most a day: virtual services to their pool members from
 * the member rollups (rates, connect errors, p95 of total time, bytes), and clients to virtual
 * services from the client logs (an L4 connection or UDP session counts as a request) (as many as
 * were logged: every request where full logs are on, errors and slow ones otherwise). A client
 * address is shown as a Marathon app when it is the address of exactly one app's tasks (as
 * discovery-svc has them now), or else of exactly one app's pool members seen in the range.
 */
@Singleton
final class AppMap {
  private static final Duration MAX_RANGE = Duration.ofDays(1);
  private static final int MAX_CLIENT_EDGES = 1000;

  private final DataSource dataSource;
  private final Optional<TaskAddresses> taskAddresses;

  AppMap(DataSource dataSource, Optional<TaskAddresses> taskAddresses) {
    this.dataSource = dataSource;
    this.taskAddresses = taskAddresses;
  }

  GetAppMapResponse build(GetAppMapRequest request, Instant now) {
    Instant[] range = QueryGrpcService.range(request.getRange(), MAX_RANGE, now);
    double seconds = Duration.between(range[0], range[1]).toMillis() / 1000.0;
    Map<String, RollupRow> members = new LinkedHashMap<>(); // "vs\0subject"
    List<ClientEdge> clients;
    try (Connection c = dataSource.getConnection()) {
      for (Map.Entry<Level, List<RangePlan.Span>> e :
          RangePlan.of(range[0], range[1], now).entrySet()) {
        for (RangePlan.Span span : e.getValue()) {
          for (RollupStore.MemberRow row :
              RollupStore.memberRows(
                  c, e.getKey(), request.getVirtualService(), span.from(), span.to())) {
            members
                .computeIfAbsent(
                    row.figures().virtualService + "\0" + row.subject(),
                    k -> RollupRow.about(row.figures()))
                .add(row.figures());
          }
        }
      }
      clients = clients(c, request.getVirtualService(), range);
    } catch (SQLException e) {
      throw Status.UNAVAILABLE
          .withDescription("the analytics store does not answer; try again")
          .asRuntimeException();
    }
    Map<String, String> appOfAddress = appsByAddress(members.values());
    Map<String, AppMapNode> nodes = new LinkedHashMap<>();
    GetAppMapResponse.Builder response = GetAppMapResponse.newBuilder();
    members.forEach(
        (key, figures) -> {
          String vs = key.substring(0, key.indexOf('\0'));
          String subject = key.substring(key.indexOf('\0') + 1);
          String vsId =
              node(nodes, "vs:" + vs, AppMapNodeKind.APP_MAP_NODE_KIND_VIRTUAL_SERVICE, vs);
          String memberId =
              node(
                  nodes,
                  "member:" + subject,
                  AppMapNodeKind.APP_MAP_NODE_KIND_POOL_MEMBER,
                  figures.address.isEmpty() ? subject : figures.address);
          long errors = figures.connectErrors + figures.responses5xx;
          response.addEdges(
              AppMapEdge.newBuilder()
                  .setFrom(vsId)
                  .setTo(memberId)
                  .setRequestsPerSecond(figures.requests / seconds)
                  .setErrorRatio(
                      figures.requests == 0 ? 0 : Math.min(1, errors / (double) figures.requests))
                  .setP95Total(
                      Durations.micros(
                          figures.timings[4] == null
                              ? 0
                              : figures.timings[4].getValueAtPercentile(95)))
                  .setBytesPerSecond((figures.bytesIn + figures.bytesOut) / seconds));
        });
    for (ClientEdge client : clients) {
      String app =
          taskAddresses
              .flatMap(tasks -> tasks.appOf(client.ip()))
              .orElse(appOfAddress.get(client.ip()));
      String clientId =
          app != null
              ? node(nodes, "app:" + app, AppMapNodeKind.APP_MAP_NODE_KIND_MARATHON_APP, app)
              : node(
                  nodes,
                  "client:" + client.ip(),
                  AppMapNodeKind.APP_MAP_NODE_KIND_CLIENT,
                  client.ip());
      String vsId =
          node(
              nodes,
              "vs:" + client.virtualService(),
              AppMapNodeKind.APP_MAP_NODE_KIND_VIRTUAL_SERVICE,
              client.virtualService());
      response.addEdges(
          AppMapEdge.newBuilder()
              .setFrom(clientId)
              .setTo(vsId)
              .setRequestsPerSecond(client.requests() / seconds)
              .setErrorRatio(
                  client.requests() == 0 ? 0 : client.errors() / (double) client.requests())
              .setP95Total(Durations.micros(client.p95Micros()))
              .setBytesPerSecond(client.bytes() / seconds));
    }
    return response.addAllNodes(nodes.values()).build();
  }

  /**
   * Clients to a virtual service, from their logs: an HTTP request, an L4 connection or a UDP
   * session is one request; errors are 5xx and failed connections.
   */
  private record ClientEdge(
      String ip, String virtualService, long requests, long errors, long p95Micros, long bytes) {}

  private static List<ClientEdge> clients(Connection c, String virtualService, Instant[] range)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT host(client_ip), virtual_service, count(*),"
                + " count(*) FILTER (WHERE CASE WHEN l4_protocol = 0"
                + " THEN status >= 500 OR status = 0 ELSE connection_end >= "
                + ConnectionEnd.CONNECTION_END_RESET_VALUE
                + " END),"
                + " percentile_disc(0.95) WITHIN GROUP (ORDER BY total_us),"
                + " sum(bytes_in + bytes_out)"
                + " FROM client_log WHERE time >= ? AND time < ? AND client_ip IS NOT NULL"
                + (virtualService.isEmpty() ? "" : " AND virtual_service = ?")
                + " GROUP BY 1, 2 ORDER BY 3 DESC LIMIT "
                + MAX_CLIENT_EDGES)) {
      st.setTimestamp(1, Timestamp.from(range[0]));
      st.setTimestamp(2, Timestamp.from(range[1]));
      if (!virtualService.isEmpty()) {
        st.setString(3, virtualService);
      }
      List<ClientEdge> edges = new java.util.ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          edges.add(
              new ClientEdge(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getLong(6)));
        }
      }
      return edges;
    }
  }

  /** Member addresses that belong to exactly one Marathon app. */
  private static Map<String, String> appsByAddress(Iterable<RollupRow> members) {
    Map<String, String> apps = new HashMap<>();
    Set<String> ambiguous = new HashSet<>();
    for (RollupRow m : members) {
      if (m.appId.isEmpty() || m.address.isEmpty()) {
        continue;
      }
      String ip = m.address.substring(0, Math.max(0, m.address.lastIndexOf(':')));
      String before = apps.putIfAbsent(ip, m.appId);
      if (before != null && !before.equals(m.appId)) {
        ambiguous.add(ip);
      }
    }
    ambiguous.forEach(apps::remove);
    return apps;
  }

  private static String node(
      Map<String, AppMapNode> nodes, String id, AppMapNodeKind kind, String label) {
    nodes.computeIfAbsent(
        id, k -> AppMapNode.newBuilder().setId(id).setKind(kind).setLabel(label).build());
    return id;
  }
}
