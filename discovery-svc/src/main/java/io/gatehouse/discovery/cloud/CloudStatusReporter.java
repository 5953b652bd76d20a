package io.gatehouse.discovery.cloud;

import io.gatehouse.api.policy.v1.CloudStatus;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.ReportCloudStatusRequest;
import io.gatehouse.discovery.internal.Frameworks;
import io.gatehouse.discovery.internal.PolicyWriters;
import io.gatehouse.discovery.marathon.MarathonFollower;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells policy-svc how discovery-svc fares with the cloud settings it uses, which shows on the
 * Cloud object's status: connecting, synced (Marathon followed and the Mesos master answering), or
 * failing and why, while the apps of the last good sync are served. It looks every two seconds and
 * reports what changed, and again after a report that did not go through. Only the replica that
 * writes policy reports, so that replicas do not overwrite each other; with the status go the apps
 * policy-svc refused, which only that replica learns ({@link SharedRefusals}).
 */
@Context
@Requires(property = "gatehouse.discovery.policy.target")
public final class CloudStatusReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CloudStatusReporter.class);
  private static final int MAX_MESSAGE = 1024; // as policy-svc takes it

  private final CloudFollower cloud;
  private final Optional<PolicyWriters> writers;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "cloud-status");
            t.setDaemon(true);
            return t;
          });
  private CloudStatus reported; // the timer's thread

  public CloudStatusReporter(CloudFollower cloud, Optional<PolicyWriters> writers) {
    this.cloud = cloud;
    this.writers = writers;
    timer.scheduleWithFixedDelay(this::look, 1, 2, TimeUnit.SECONDS);
  }

  /** What the status is now; null while no cloud settings are in use (the startup ones are). */
  CloudStatus current() {
    long revision = cloud.revision();
    if (revision == 0) {
      return null;
    }
    CloudStatus.Builder status = CloudStatus.newBuilder().setAppliedRevision(revision);
    writers.ifPresent(
        w -> {
          var refused = w.rejected();
          status.addAllRefusedApps(SharedRefusals.toReport(refused));
          status.setRefusedAppCount(refused.size());
        });
    Frameworks.Framework marathon = cloud.marathon();
    String mesosError = cloud.mesos().lastError();
    if (cloud.error() != null) {
      failing(status, cloud.error());
    } else if (marathon == null) {
      failing(status, "no default Marathon instance is configured");
    } else if (marathon.follower().lastError() != null) {
      failing(status, "Marathon: " + marathon.follower().lastError());
    } else if (mesosError != null) {
      failing(status, "Mesos master: " + mesosError);
    } else if (marathon.follower().syncedOnCurrentSettings()) {
      status.setState(CloudStatus.State.STATE_SYNCED);
    } else {
      MarathonFollower follower = marathon.follower();
      status
          .setState(CloudStatus.State.STATE_CONNECTING)
          .setMessage("connecting to Marathon at " + follower.client().baseUrl());
    }
    return status.build();
  }

  private static void failing(CloudStatus.Builder status, String why) {
    status
        .setState(CloudStatus.State.STATE_FAILING)
        .setMessage(why.length() > MAX_MESSAGE ? why.substring(0, MAX_MESSAGE) : why);
  }

  private void look() {
    try {
      CloudStatus status = current();
      if (status == null
          || Objects.equals(status, reported)
          || !writers.map(PolicyWriters::writing).orElse(true)) {
        return;
      }
      PolicyServiceGrpc.newBlockingStub(cloud.policy())
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .reportCloudStatus(
              ReportCloudStatusRequest.newBuilder()
                  .setName(CloudFollower.NAME)
                  .setStatus(status)
                  .build());
      reported = status;
    } catch (StatusRuntimeException e) {
      log.debug("reporting the cloud status: {}", e.getStatus());
    } catch (RuntimeException e) {
      log.warn("reporting the cloud status", e);
    }
  }

  @PreDestroy
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
