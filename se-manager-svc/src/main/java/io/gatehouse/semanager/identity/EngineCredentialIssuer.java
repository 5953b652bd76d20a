package io.gatehouse.semanager.identity;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.semanager.v1.EngineCredential;
import io.gatehouse.common.identity.EngineCredentials;
import io.gatehouse.common.identity.EngineIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Issues the engines' credentials, each for the lifetime {@link CredentialsConfig} gives. */
public final class EngineCredentialIssuer {
  private final EngineCredentials credentials;
  private final CredentialsConfig config;
  private final Clock clock;

  public EngineCredentialIssuer(
      EngineCredentials credentials, CredentialsConfig config, Clock clock) {
    this.credentials = credentials;
    this.config = config;
    this.clock = clock;
  }

  /** The credential engine {@code seId} of {@code group} is deployed with. */
  public String deploy(String seId, String group) {
    return credentials.issue(seId, group, EngineIdentity.Use.DEPLOY, config.deployLifetime());
  }

  /**
   * The credential engine {@code seId} of {@code group} is deployed with where others may read it
   * (a Fleet unit): it opens one control stream, once.
   */
  public String enroll(String seId, String group) {
    return credentials.issue(seId, group, EngineIdentity.Use.ENROLL, config.deployLifetime());
  }

  /** A deploy credential for engine {@code seId} of {@code group}, run by hand by an operator. */
  public EngineCredential deployByHand(String seId, String group) {
    return credential(seId, group, EngineIdentity.Use.DEPLOY, config.deployLifetime());
  }

  /** The credential every engine of a Marathon app for {@code group} is deployed with. */
  public String deployGroup(String group) {
    return credentials.issueForGroup(group, config.groupLifetime());
  }

  /** How long a group credential lasts. */
  public Duration groupLifetime() {
    return config.groupLifetime();
  }

  /** A session credential for engine {@code seId} of {@code group}, as sent on its stream. */
  public EngineCredential session(String seId, String group) {
    return credential(seId, group, EngineIdentity.Use.SESSION, config.sessionLifetime());
  }

  private EngineCredential credential(
      String seId, String group, EngineIdentity.Use use, Duration lifetime) {
    Instant expires = clock.instant().plus(lifetime);
    return EngineCredential.newBuilder()
        .setToken(credentials.issueUntil(seId, group, use, expires))
        .setExpireTime(
            Timestamp.newBuilder().setSeconds(expires.getEpochSecond()).setNanos(expires.getNano()))
        .build();
  }

  /** How often a connected engine is sent a new session credential: half its lifetime. */
  public Duration renewEvery() {
    return config.sessionLifetime().dividedBy(2);
  }
}
