package io.gatehouse.discovery.cloud;

import io.gatehouse.api.policy.v1.AppRefusal;
import io.gatehouse.api.policy.v1.CloudStatus;
import io.gatehouse.api.policy.v1.GetCloudRequest;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.RefusedApp;
import io.gatehouse.discovery.internal.PolicyWriters;
import io.gatehouse.discovery.internal.PolicyWriters.AppRef;
import io.gatehouse.discovery.labels.LabelError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What policy-svc refused of each app, on every replica. Only the replica that writes policy learns
 * it (its writes are the ones refused); it reports the refused apps with the Cloud's status ({@link
 * CloudStatusReporter}), and every other replica reads them from there every two seconds, so that
 * ListApps and GetApp show the same label errors whichever replica answers.
 */
@Context
@Requires(property = "gatehouse.discovery.policy.target")
public final class SharedRefusals implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedRefusals.class);
  static final int MAX_REPORTED = 1000; // as policy-svc takes them
  private static final int MAX_PER_APP = 16;

  private final CloudFollower cloud;
  private final PolicyWriters writers;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "shared-refusals");
            t.setDaemon(true);
            return t;
          });
  private volatile Map<AppRef, List<LabelError>> read = Map.of();

  public SharedRefusals(CloudFollower cloud, PolicyWriters writers) {
    this.cloud = cloud;
    this.writers = writers;
    timer.scheduleWithFixedDelay(this::look, 1, 2, TimeUnit.SECONDS);
  }

  /** What policy-svc refused for an app: this replica's own when it writes, else the reported. */
  public List<LabelError> rejected(String framework, String appId) {
    return writers.writing()
        ? writers.rejected(framework, appId)
        : read.getOrDefault(new AppRef(framework, appId), List.of());
  }

  /** Every refused app: this replica's own when it writes, else the reported. */
  public Map<AppRef, List<LabelError>> all() {
    return writers.writing() ? writers.rejected() : read;
  }

  /** The refused apps as a report lists them: the first {@value #MAX_REPORTED}, bounded. */
  static List<RefusedApp> toReport(SortedMap<AppRef, List<LabelError>> refused) {
    return refused.entrySet().stream()
        .limit(MAX_REPORTED)
        .map(
            e ->
                RefusedApp.newBuilder()
                    .setMarathonFramework(e.getKey().framework())
                    .setAppId(e.getKey().appId())
                    .addAllRefusals(
                        e.getValue().stream()
                            .limit(MAX_PER_APP)
                            .map(
                                error ->
                                    AppRefusal.newBuilder()
                                        .setLabel(cut(error.label(), 256))
                                        .setField(cut(error.field(), 256))
                                        .setCode(cut(error.code(), 64))
                                        .setMessage(cut(error.message(), 1024))
                                        .build())
                            .toList())
                    .build())
        .toList();
  }

  /** The refused apps of a reported status. */
  static Map<AppRef, List<LabelError>> fromReport(CloudStatus status) {
    Map<AppRef, List<LabelError>> refused = new HashMap<>();
    for (RefusedApp app : status.getRefusedAppsList()) {
      refused.put(
          new AppRef(app.getMarathonFramework(), app.getAppId()),
          app.getRefusalsList().stream()
              .map(r -> new LabelError(r.getLabel(), r.getField(), r.getCode(), r.getMessage()))
              .toList());
    }
    return Map.copyOf(refused);
  }

  private void look() {
    if (writers.writing()) {
      return;
    }
    try {
      CloudStatus status =
          PolicyServiceGrpc.newBlockingStub(cloud.policy())
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .getCloud(GetCloudRequest.newBuilder().setName(CloudFollower.NAME).build())
              .getStatus();
      read = fromReport(status);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        read = Map.of(); // no cloud settings: nothing reported
      } else {
        log.debug("reading the refused apps: {}", e.getStatus()); // the last read stays
      }
    } catch (RuntimeException e) {
      log.warn("reading the refused apps", e);
    }
  }

  private static String cut(String value, int max) {
    return value.length() <= max ? value : value.substring(0, max);
  }

  @PreDestroy
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
