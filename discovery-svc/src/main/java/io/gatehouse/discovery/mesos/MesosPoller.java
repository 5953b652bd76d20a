package io.gatehouse.discovery.mesos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the agents from the master every interval into an {@link AgentModel}, each with what its
 * tasks use as the agent reports it: CPUs used are the CPU time a task gained between two polls
 * over the time between them. An agent that does not answer has no usage this time; the others are
 * unaffected.
 */
public final class MesosPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MesosPoller.class);

  private final MesosClient client;
  private final AgentModel model;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "mesos-poller");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, MesosClient.ExecutorStatistics> previous = new HashMap<>();
  private final Set<String> failingAgents = new HashSet<>();
  private volatile Instant lastSync;
  private volatile String lastError;

  public MesosPoller(MesosClient client, AgentModel model, Duration interval) {
    this.client = client;
    this.model = model;
    timer.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void poll() {
    try {
      List<Agent> known = client.agents();
      Map<String, CompletableFuture<List<MesosClient.ExecutorStatistics>>> asked = new HashMap<>();
      for (Agent agent : known) {
        if (agent.active()) {
          asked.put(agent.id(), client.statistics(agent)); // every agent at once
        }
      }
      Map<String, MesosClient.ExecutorStatistics> seen = new HashMap<>();
      List<Agent> agents = new ArrayList<>();
      for (Agent agent : known) {
        CompletableFuture<List<MesosClient.ExecutorStatistics>> answer = asked.get(agent.id());
        agents.add(answer == null ? agent : agent.withTasks(usage(agent, answer, seen)));
      }
      previous.clear();
      previous.putAll(seen);
      model.replaceAll(agents);
      lastSync = Instant.now();
      lastError = null;
    } catch (RuntimeException e) {
      String error = e.getMessage() != null ? e.getMessage() : e.toString(); // never stop on null
      if (!error.equals(lastError)) {
        log.warn("reading agents from {} failed: {}", client.baseUrl(), error);
      }
      lastError = error;
    }
  }

  private List<TaskUsage> usage(
      Agent agent,
      CompletableFuture<List<MesosClient.ExecutorStatistics>> answer,
      Map<String, MesosClient.ExecutorStatistics> seen) {
    List<MesosClient.ExecutorStatistics> statistics;
    try {
      statistics = answer.join();
      if (failingAgents.remove(agent.id())) {
        log.info("agent {} reports its tasks' usage again", agent.hostname());
      }
    } catch (RuntimeException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (failingAgents.add(agent.id())) {
        log.warn("agent {}: no task usage this time: {}", agent.hostname(), cause.getMessage());
      }
      return List.of();
    }
    List<TaskUsage> usage = new ArrayList<>();
    for (MesosClient.ExecutorStatistics now : statistics) {
      MesosClient.ExecutorStatistics before = previous.get(now.taskId());
      Double cpusUsed =
          before != null && now.timestamp() > before.timestamp()
              ? Math.max(0, now.cpuSeconds() - before.cpuSeconds())
                  / (now.timestamp() - before.timestamp())
              : null;
      usage.add(
          new TaskUsage(
              now.taskId(), now.cpusLimit(), now.memLimitMib(), cpusUsed, now.memUsedMib()));
      seen.put(now.taskId(), now);
    }
    return usage;
  }

  public Instant lastSync() {
    return lastSync;
  }

  public String lastError() {
    return lastError;
  }

  public MesosClient client() {
    return client;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
