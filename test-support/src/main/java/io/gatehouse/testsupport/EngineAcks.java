package io.gatehouse.testsupport;

import io.gatehouse.api.semanager.v1.Ack;
import io.gatehouse.api.semanager.v1.Resource;
import io.gatehouse.api.semanager.v1.ResourceUpdate;
import io.gatehouse.api.semanager.v1.ResourceVersion;

/** The answers a stand-in engine gives se-manager-svc (in tests and the bench). */
public final class EngineAcks {
  private EngineAcks() {}

  /** The ACK of an engine that applied everything {@code update} carried. */
  public static Ack applying(ResourceUpdate update) {
    Ack.Builder ack = Ack.newBuilder().setNonce(update.getNonce()).setType(update.getType());
    for (Resource r : update.getResourcesList()) {
      ack.addApplied(
          ResourceVersion.newBuilder()
              .setType(update.getType())
              .setName(r.getName())
              .setVersion(r.getVersion()));
    }
    return ack.build();
  }
}
