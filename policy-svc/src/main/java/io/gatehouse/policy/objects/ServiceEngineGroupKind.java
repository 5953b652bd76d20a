package io.gatehouse.policy.objects;

import io.gatehouse.api.policy.v1.AttributeMatch;
import io.gatehouse.api.policy.v1.DeploymentMethod;
import io.gatehouse.api.policy.v1.ObjectKind;
import io.gatehouse.api.policy.v1.ServiceEngineGroup;
import io.gatehouse.common.net.BaseUrls;
import java.net.URI;
import java.util.List;

/** Service engine groups: placement by agent attributes and how engines are deployed. */
public final class ServiceEngineGroupKind extends PolicyKind<ServiceEngineGroup> {
  /** The group that always exists and hosts north-south services without an explicit group. */
  public static final String DEFAULT_GROUP = "default";

  public ServiceEngineGroupKind() {
    super(
        ObjectKind.OBJECT_KIND_SERVICE_ENGINE_GROUP,
        "service_engine_group",
        ServiceEngineGroup.getDefaultInstance());
  }

  @Override
  public ServiceEngineGroup clearOutputOnly(ServiceEngineGroup group) {
    return group.toBuilder()
        .setImage(group.getImage().toBuilder().clearRegistryCredentialsSet())
        .build();
  }

  @Override
  public ServiceEngineGroup redact(ServiceEngineGroup group) {
    return group.toBuilder()
        .setImage(
            group.getImage().toBuilder().clearRegistryCredentials().clearClearRegistryCredentials())
        .build();
  }

  /** The registry credentials are the kind's secret, stored encrypted. */
  @Override
  public boolean hasSecret() {
    return true;
  }

  @Override
  public String secret(ServiceEngineGroup group) {
    return group.getImage().getRegistryCredentials();
  }

  @Override
  public boolean dropsSecret(ServiceEngineGroup group) {
    return group.getImage().getClearRegistryCredentials();
  }

  @Override
  public ServiceEngineGroup complete(ServiceEngineGroup group, String secret, Violations v) {
    if (!secret.isEmpty() && !group.getImage().getClearRegistryCredentials()) {
      Violations image = v.in("image");
      image.require(
          group.getDeploymentMethod() == DeploymentMethod.DEPLOYMENT_METHOD_MARATHON,
          "registry_credentials",
          "only a Marathon deployment pulls with registry credentials (log the nodes in to the"
              + " registry for the others); clear_registry_credentials removes stored ones");
      image.require(
          !group.getImage().getDockerImage().isEmpty(),
          "registry_credentials",
          "are for pulling docker_image, which is not set");
    }
    return group.toBuilder()
        .setImage(
            group.getImage().toBuilder()
                .setRegistryCredentialsSet(
                    !secret.isEmpty() && !group.getImage().getClearRegistryCredentials()))
        .build();
  }

  @Override
  public void validate(ServiceEngineGroup group, Violations v) {
    String credentials = group.getImage().getRegistryCredentials();
    if (!credentials.isEmpty()) {
      v.in("image")
          .require(
              BaseUrls.basicCredentials(credentials),
              "registry_credentials",
              "must be user:password, without line breaks");
      v.in("image")
          .require(
              !group.getImage().getClearRegistryCredentials(),
              "clear_registry_credentials",
              "give registry_credentials or clear_registry_credentials, not both");
    }
    attributes(
        group.getPlacement().getIncludeAttributesList(), v.in("placement"), "include_attributes");
    attributes(
        group.getPlacement().getExcludeAttributesList(), v.in("placement"), "exclude_attributes");
    v.require(
        group.getDeploymentMethod() != DeploymentMethod.UNRECOGNIZED,
        "deployment_method",
        "unknown deployment method");
    v.require(
        group.getSpawnRatePerMinute() <= 1000, "spawn_rate_per_minute", "must be at most 1000");
    v.require(
        Double.isFinite(group.getResources().getCpus()) && group.getResources().getCpus() >= 0,
        "resources.cpus",
        "must be zero or more");
    v.require(
        group.getEastWestBindAddress().isEmpty()
            || Addresses.parseIp(group.getEastWestBindAddress()) != null,
        "east_west_bind_address",
        "\"" + group.getEastWestBindAddress() + "\" is not an IP address");
    switch (group.getDeploymentMethod()) {
      case DEPLOYMENT_METHOD_SSH -> {
        Violations ssh = v.in("ssh");
        ssh.optionalPort(group.getSsh().getPort(), "port");
        ssh.require(!group.getSsh().getSshKeyRef().isEmpty(), "ssh_key_ref", "is required for SSH");
        ssh.require(
            !group.getSsh().getStartCommand().isBlank(), "start_command", "is required for SSH");
        ssh.require(
            !group.getSsh().getStopCommand().isBlank(), "stop_command", "is required for SSH");
      }
      case DEPLOYMENT_METHOD_FLEET ->
          v.in("fleet")
              .require(
                  validFleetEndpoint(group.getFleet().getEndpoint()),
                  "endpoint",
                  "must be http://host:port, https://host:port or unix:///path/to/fleet.sock");
      case DEPLOYMENT_METHOD_MARATHON -> {
        String app = group.getMarathon().getAppId();
        v.in("marathon")
            .require(
                app.isEmpty() || (app.startsWith("/") && app.length() > 1),
                "app_id",
                "must be a Marathon app id such as /gatehouse/service-engine");
      }
      default -> {}
    }
  }

  private static void attributes(List<AttributeMatch> matches, Violations v, String field) {
    for (int i = 0; i < matches.size(); i++) {
      v.in(field, i).require(!matches.get(i).getName().isBlank(), "name", "is required");
    }
  }

  private static boolean validFleetEndpoint(String endpoint) {
    try {
      URI uri = URI.create(endpoint);
      return switch (String.valueOf(uri.getScheme())) {
        case "http", "https" -> uri.getHost() != null;
        case "unix" -> uri.getPath() != null && uri.getPath().startsWith("/");
        default -> false;
      };
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
