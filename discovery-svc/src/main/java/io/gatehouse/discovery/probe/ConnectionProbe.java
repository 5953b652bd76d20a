package io.gatehouse.discovery.probe;

import io.gatehouse.api.discovery.v1.MarathonConnection;
import io.gatehouse.api.discovery.v1.MesosConnection;
import io.gatehouse.api.discovery.v1.TestConnectionRequest;
import io.gatehouse.api.discovery.v1.TestConnectionResponse;
import io.gatehouse.common.net.BaseUrls;
import io.gatehouse.common.net.HostNames;
import io.gatehouse.discovery.marathon.MarathonClient;
import io.gatehouse.discovery.marathon.MarathonException;
import io.gatehouse.discovery.mesos.MesosClient;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tries the Marathon and Mesos master settings of a {@link TestConnectionRequest} once, with the
 * clients discovery-svc follows them with, and says what each answered or why it could not be
 * reached. Nothing is kept. The settings come from an operator but are checked as strictly as those
 * of a config file: a URL is http or https with a host and no user info (credentials have their own
 * fields, which no error repeats).
 */
public final class ConnectionProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** What is wrong with the request, field by field; empty when it may be tried. */
  public static Map<String, String> problems(TestConnectionRequest request) {
    Map<String, String> problems = new LinkedHashMap<>();
    if (request.getMarathonUrl().isEmpty() && request.getMesosUrl().isEmpty()) {
      problems.put("marathon_url", "give marathon_url, mesos_url or both");
    }
    urlProblem(request.getMarathonUrl()).ifPresent(p -> problems.put("marathon_url", p));
    urlProblem(request.getMesosUrl()).ifPresent(p -> problems.put("mesos_url", p));
    String credentials = request.getMarathonCredentials();
    if (!credentials.isEmpty() && !BaseUrls.basicCredentials(credentials)) {
      problems.put("marathon_credentials", "must be user:password, without line breaks");
    }
    String token = request.getMarathonToken();
    if (!token.isEmpty() && !BaseUrls.token(token)) {
      problems.put("marathon_token", "must be one token, without spaces or line breaks");
    }
    if (!credentials.isEmpty() && !token.isEmpty()) {
      problems.put("marathon_token", "give marathon_credentials or marathon_token, not both");
    }
    if (request.getMarathonUrl().isEmpty() && !(credentials.isEmpty() && token.isEmpty())) {
      problems.put("marathon_url", "is required with Marathon credentials");
    }
    return problems;
  }

  /** Tries what the request names; call only when {@link #problems} found none. */
  public TestConnectionResponse test(TestConnectionRequest request) {
    TestConnectionResponse.Builder response = TestConnectionResponse.newBuilder();
    if (!request.getMarathonUrl().isEmpty()) {
      response.setMarathon(marathon(request));
    }
    if (!request.getMesosUrl().isEmpty()) {
      response.setMesos(mesos(request.getMesosUrl()));
    }
    return response.build();
  }

  private static MarathonConnection marathon(TestConnectionRequest request) {
    MarathonClient client =
        new MarathonClient(
            new MarathonClient.Endpoint(
                URI.create(request.getMarathonUrl()),
                blankToNull(request.getMarathonCredentials()),
                blankToNull(request.getMarathonToken()),
                TIMEOUT));
    try {
      MarathonClient.Info info = client.info();
      return MarathonConnection.newBuilder()
          .setReached(true)
          .setVersion(info.version())
          .setLeader(info.leader())
          .setAppCount(client.appCount())
          .build();
    } catch (MarathonException e) {
      return MarathonConnection.newBuilder().setError(printable(e.getMessage())).build();
    }
  }

  private static MesosConnection mesos(String url) {
    try {
      MesosClient.Master master = new MesosClient(url, TIMEOUT).master();
      return MesosConnection.newBuilder()
          .setReached(true)
          .setVersion(master.version())
          .setLeader(master.leader())
          .setAgentCount(master.agentCount())
          .build();
    } catch (MarathonException e) {
      return MesosConnection.newBuilder().setError(printable(e.getMessage())).build();
    }
  }

  private static java.util.Optional<String> urlProblem(String url) {
    return url.isEmpty() ? java.util.Optional.empty() : BaseUrls.problem(url);
  }

  private static String blankToNull(String value) {
    return value.isEmpty() ? null : value;
  }

  private static String printable(String message) {
    return HostNames.printable(message == null ? "failed" : message);
  }
}
