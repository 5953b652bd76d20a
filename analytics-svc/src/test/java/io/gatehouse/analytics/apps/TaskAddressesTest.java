package io.gatehouse.analytics.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.discovery.v1.Endpoint;
import io.gatehouse.api.discovery.v1.ListAppsRequest;
import io.gatehouse.api.discovery.v1.ListAppsResponse;
import io.gatehouse.api.discovery.v1.Task;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskAddressesTest {
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void anAddressBelongsToTheOneAppWhoseTasksUseItAndToNoneWhenShared() throws IOException {
    // two pages: web on its own container IP and host; api and batch share host 10.0.0.3
    serve(
        List.of(
            ListAppsResponse.newBuilder()
                .addApps(app("/web", task("10.0.0.2", List.of("172.17.0.5"), "10.0.0.2")))
                .addApps(app("/api", task("10.0.0.3", List.of(), "10.0.0.3")))
                .setNextPageToken("2")
                .build(),
            ListAppsResponse.newBuilder()
                .addApps(app("/batch", task("10.0.0.3", List.of(), "10.0.0.3")))
                .addApps(app("/named", task("agent-7.example.com", List.of(), "")))
                .build()));
    TaskAddresses addresses = new TaskAddresses(channel);
    addresses.refresh();
    assertThat(addresses.appOf("172.17.0.5")).contains("/web");
    assertThat(addresses.appOf("10.0.0.2")).contains("/web");
    assertThat(addresses.appOf("10.0.0.3")).as("two apps on one host").isEmpty();
    assertThat(addresses.appOf("agent-7.example.com")).as("a host name is no address").isEmpty();
    assertThat(addresses.appOf("10.9.9.9")).isEmpty();
  }

  private static App app(String id, Task task) {
    return App.newBuilder().setId(id).addTasks(task).build();
  }

  private static Task task(String host, List<String> ips, String endpointAddress) {
    Task.Builder task = Task.newBuilder().setHost(host).addAllIpAddresses(ips);
    if (!endpointAddress.isEmpty()) {
      task.addEndpoints(Endpoint.newBuilder().setAddress(endpointAddress).setPort(31000));
    }
    return task.build();
  }

  private void serve(List<ListAppsResponse> pages) throws IOException {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new DiscoveryServiceGrpc.DiscoveryServiceImplBase() {
                  @Override
                  public void listApps(
                      ListAppsRequest request, StreamObserver<ListAppsResponse> out) {
                    out.onNext(pages.get(request.getPageToken().isEmpty() ? 0 : 1));
                    out.onCompleted();
                  }
                })
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }
}
