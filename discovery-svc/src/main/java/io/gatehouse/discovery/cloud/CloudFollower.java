package io.gatehouse.discovery.cloud;

import io.gatehouse.api.policy.v1.ChangeType;
import io.gatehouse.api.policy.v1.Cloud;
import io.gatehouse.api.policy.v1.CreateCloudRequest;
import io.gatehouse.api.policy.v1.GetCloudCredentialsRequest;
import io.gatehouse.api.policy.v1.GetCloudCredentialsResponse;
import io.gatehouse.api.policy.v1.ObjectChange;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.ObjectMeta;
import io.gatehouse.api.policy.v1.PolicySecretServiceGrpc;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.policy.v1.WatchRequest;
import io.gatehouse.api.policy.v1.WatchResponse;
import io.gatehouse.common.grpc.BearerToken;
import io.gatehouse.common.net.HostNames;
import io.gatehouse.common.tls.GrpcTls;
import io.gatehouse.discovery.internal.DiscoveryConfig;
import io.gatehouse.discovery.internal.Frameworks;
import io.gatehouse.discovery.internal.PolicyConfig;
import io.gatehouse.discovery.internal.PolicyWriters;
import io.gatehouse.discovery.labels.ProxySettings;
import io.gatehouse.discovery.marathon.MarathonClient;
import io.gatehouse.discovery.mesos.MesosPoller;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows policy-svc's cloud settings (the Cloud named "default") and points the default Marathon
 * instance and the Mesos master at what they say, with no restart: Marathon's client takes the new
 * URL and credentials and its follower syncs anew; until that sync succeeds the apps of the last
 * good one are kept (a wrong URL or credential shows in GetSyncStatus, as Marathon's last_error).
 * The service ports the Cloud names for the default instance are proxied from then on, every app
 * translated again. When a process finds no Cloud at its start, it writes its startup configuration
 * there (the seed); when the Cloud is deleted, the startup configuration is used until the next
 * start seeds it again.
 */
@io.micronaut.context.annotation.Context
@Requires(property = "gatehouse.discovery.policy.target")
public final class CloudFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CloudFollower.class);
  static final String NAME = "default";

  private final Frameworks frameworks;
  private final Frameworks.Framework marathon;
  private final MesosPoller mesos;
  private final Optional<PolicyWriters> writers;
  private final int startupPortMin;
  private final int startupPortMax;
  private final MarathonClient.Endpoint startupMarathon;
  private final String startupMesos;
  private final Duration requestTimeout;
  private final ManagedChannel managed;
  private final Channel channel;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Context.CancellableContext watch;
  private volatile long revision;
  private volatile String error;
  private boolean seeded; // the follower's own thread

  public CloudFollower(
      Frameworks frameworks,
      MesosPoller mesos,
      Optional<PolicyWriters> writers,
      PolicyConfig config,
      DiscoveryConfig discovery,
      GrpcTls tls) {
    this.frameworks = frameworks;
    this.marathon = frameworks.get(Frameworks.DEFAULT);
    this.mesos = mesos;
    this.writers = writers;
    ProxySettings startupProxy = marathon == null ? null : marathon.translator().settings();
    this.startupPortMin = startupProxy == null ? 0 : startupProxy.servicePortMin();
    this.startupPortMax = startupProxy == null ? 0 : startupProxy.servicePortMax();
    this.startupMarathon = marathon == null ? null : marathon.client().endpoint();
    this.startupMesos = mesos.client().baseUrl();
    this.requestTimeout = discovery.requestTimeout();
    this.managed = tls.channel(config.target(), "gatehouse.discovery.policy.server-name");
    this.channel = BearerToken.attach(managed, config.token() == null ? "" : config.token());
    this.thread = new Thread(this::run, "cloud-follower");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** The revision of the cloud settings in use; 0 while the startup configuration is. */
  public long revision() {
    return revision;
  }

  /** The channel to policy-svc, with discovery-svc's token. */
  Channel policy() {
    return channel;
  }

  /** The default Marathon instance the settings point; null when none is configured. */
  Frameworks.Framework marathon() {
    return marathon;
  }

  /** The Mesos master's poller. */
  MesosPoller mesos() {
    return mesos;
  }

  /** Why the cloud settings cannot be followed or used now; null when they can. */
  public String error() {
    return error;
  }

  private void run() {
    int failures = 0;
    while (running) {
      try {
        follow();
        failures = 0;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        failures++;
        error =
            "following the cloud settings at policy-svc: "
                + (e instanceof StatusRuntimeException failed
                    ? failed.getStatus().toString()
                    : HostNames.printable(String.valueOf(e.getMessage())));
        log.warn("{}; retrying", error);
      }
      pause(Duration.ofSeconds(Math.min(30, 1L << Math.min(failures, 5))));
    }
  }

  private void follow() {
    Context.CancellableContext context = Context.current().withCancellation();
    watch = context;
    context.run(
        () -> {
          Iterator<WatchResponse> changes =
              PolicyServiceGrpc.newBlockingStub(channel)
                  .watch(
                      WatchRequest.newBuilder()
                          .setInitialSnapshot(true)
                          .addKinds(ObjectKind.OBJECT_KIND_CLOUD)
                          .build());
          boolean inSnapshot = true;
          boolean seen = false;
          while (running && changes.hasNext()) {
            WatchResponse response = changes.next();
            for (ObjectChange change : response.getChangesList()) {
              Cloud cloud = change.getObject().getCloud();
              if (!cloud.getMeta().getName().equals(NAME)) {
                continue;
              }
              seen = true;
              if (change.getType() == ChangeType.CHANGE_TYPE_DELETED) {
                useStartup();
              } else {
                use(cloud, change.getRevision());
              }
            }
            if (inSnapshot && response.getSnapshotComplete()) {
              inSnapshot = false;
              if (!seen && !seeded) {
                seed(); // the watch brings it back as a change
              } else if (!seen) {
                useStartup(); // deleted (perhaps while the watch was down)
              }
              seeded = true;
            }
          }
        });
  }

  /**
   * Writes the startup configuration into policy-svc as the cloud settings, once, when this process
   * finds none: from then on they are changed there. Another replica's seed is as good.
   */
  private void seed() {
    if (marathon == null) {
      return; // no default instance to describe
    }
    Cloud.Builder cloud =
        Cloud.newBuilder()
            .setMeta(ObjectMeta.newBuilder().setName(NAME))
            .addAllMarathonUrls(startupMarathon.baseUrls().stream().map(URI::toString).toList())
            .setMesosUrl(startupMesos);
    if (startupMarathon.basicCredentials() != null) {
      cloud.setMarathonCredentials(startupMarathon.basicCredentials());
    }
    if (startupMarathon.dcosToken() != null) {
      cloud.setMarathonToken(startupMarathon.dcosToken());
    }
    try {
      PolicyServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createCloud(CreateCloudRequest.newBuilder().setCloud(cloud).build());
      log.info("cloud settings seeded from the startup configuration");
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        error = "seeding the cloud settings: " + e.getStatus();
        log.warn("{}; the startup configuration is used", error);
      }
    }
  }

  private void use(Cloud cloud, long at) {
    if (marathon == null) {
      error = "the cloud settings name a default Marathon instance, and none is configured";
      return;
    }
    GetCloudCredentialsResponse credentials = credentials(cloud);
    MarathonClient.Endpoint endpoint =
        new MarathonClient.Endpoint(
            cloud.getMarathonUrlsList().stream().map(URI::create).toList(),
            blankToNull(credentials.getMarathonCredentials()),
            blankToNull(credentials.getMarathonToken()),
            requestTimeout);
    point(endpoint, cloud.getMesosUrl());
    revision = at;
    error =
        cloud.getServicePortMin() == 0 && cloud.getServicePortMax() == 0
            ? proxy(startupPortMin, startupPortMax)
            : proxy(cloud.getServicePortMin(), cloud.getServicePortMax());
    log.info(
        "cloud settings at revision {}: Marathon {}, Mesos master {}",
        at,
        String.join(", ", cloud.getMarathonUrlsList()),
        cloud.getMesosUrl());
  }

  private void useStartup() {
    if (revision == 0) {
      return;
    }
    if (marathon != null) {
      point(startupMarathon, startupMesos);
      proxy(startupPortMin, startupPortMax);
    }
    revision = 0;
    error = null;
    log.info("no cloud settings: back to the startup configuration");
  }

  private void point(MarathonClient.Endpoint endpoint, String mesosUrl) {
    if (!endpoint.equals(marathon.client().endpoint())) {
      marathon.client().retarget(endpoint);
      marathon.follower().reconnect();
    }
    mesos.client().retarget(mesosUrl);
  }

  /**
   * Proxies the default instance's service ports {@code min}-{@code max} from now on, and has every
   * app translated again; the reason when they overlap another instance's (then nothing changes).
   */
  private String proxy(int min, int max) {
    ProxySettings now = marathon.translator().settings();
    if (now.servicePortMin() == min && now.servicePortMax() == max) {
      return null;
    }
    Optional<String> other = frameworks.overlapping(marathon.name(), min, max);
    if (other.isPresent()) {
      String why =
          "the service ports "
              + min
              + "-"
              + max
              + " overlap those of Marathon instance \""
              + other.get()
              + "\": "
              + now.servicePortMin()
              + "-"
              + now.servicePortMax()
              + " are kept";
      log.warn("cloud settings: {}", why);
      return why;
    }
    marathon.translator().useServicePorts(min, max);
    writers.ifPresent(w -> w.retranslate(marathon.name()));
    log.info(
        "service ports {}-{} are proxied east-west for the default Marathon instance", min, max);
    return null;
  }

  /** The cloud's credentials; none when it has none stored. */
  private GetCloudCredentialsResponse credentials(Cloud cloud) {
    if (!cloud.getCredentialsSet()) {
      return GetCloudCredentialsResponse.getDefaultInstance();
    }
    try {
      return PolicySecretServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getCloudCredentials(GetCloudCredentialsRequest.newBuilder().setName(NAME).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return GetCloudCredentialsResponse.getDefaultInstance();
      }
      throw e;
    }
  }

  private void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private static String blankToNull(String value) {
    return value.isEmpty() ? null : value;
  }

  @PreDestroy
  @Override
  public void close() {
    running = false;
    Context.CancellableContext context = watch;
    if (context != null) {
      context.cancel(null);
    }
    thread.interrupt();
    managed.shutdownNow();
  }
}
