package io.gatehouse.launcher.cli;

import io.gatehouse.api.semanager.v1.EngineCredential;
import io.gatehouse.api.semanager.v1.EngineIdentitiesGrpc;
import io.gatehouse.api.semanager.v1.IssueEngineCredentialRequest;
import io.grpc.Channel;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse engine-credential}: a credential of its own for an engine run by hand, printed
 * alone on standard output so that it can go straight into the engine's environment (its expiry
 * goes to standard error).
 */
@Command(
    name = "engine-credential",
    description = {
      "Issues a credential for a service engine you run by hand: it names the engine and its group",
      "and opens that engine's control stream only. Give it to the engine in its environment:",
      "  GATEHOUSE_SE_TOKEN=\"$(gatehouse engine-credential --se-id=edge-1)\" service-engine"
          + " --se-id=edge-1 ..."
    })
public final class EngineCredentialCommand extends Commands.Base {
  @Option(names = "--se-id", required = true, description = "the engine's id, as in its --se-id")
  String seId;

  @Option(names = "--group", description = "its SE group (default: ${DEFAULT-VALUE})")
  String group = "default";

  @Override
  void run(Function<String, Channel> channels) {
    EngineCredential credential =
        EngineIdentitiesGrpc.newBlockingStub(channels.apply(connection.seManager))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .issueEngineCredential(
                IssueEngineCredentialRequest.newBuilder().setSeId(seId).setSeGroup(group).build());
    out.println(credential.getToken());
    System.err.println(
        "engine "
            + seId
            + " of group "
            + group
            + ": valid until "
            + Instant.ofEpochSecond(credential.getExpireTime().getSeconds())
            + " (it renews its own session once connected)");
  }
}
