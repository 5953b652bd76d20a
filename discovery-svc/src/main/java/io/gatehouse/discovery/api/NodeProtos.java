package io.gatehouse.discovery.api;

import com.google.protobuf.Timestamp;
import io.gatehouse.api.discovery.v1.Node;
import io.gatehouse.api.discovery.v1.Resources;
import io.gatehouse.api.discovery.v1.TaskResources;
import io.gatehouse.discovery.mesos.Agent;
import io.gatehouse.discovery.mesos.TaskUsage;

/** Maps agents to the v1 API's nodes. */
final class NodeProtos {
  private NodeProtos() {}

  static Node node(Agent agent) {
    long seconds = (long) agent.registeredTime();
    Node.Builder node = Node.newBuilder();
    for (TaskUsage task : agent.tasks()) {
      TaskResources.Builder resources =
          TaskResources.newBuilder()
              .setTaskId(task.taskId())
              .setAllocated(
                  Resources.newBuilder().setCpus(task.cpusLimit()).setMemoryMib(task.memLimitMib()))
              .setMemoryUsedMib(task.memUsedMib());
      if (task.cpusUsed() != null) {
        resources.setCpusUsed(task.cpusUsed());
      }
      node.addTasks(resources);
    }
    return node.setId(agent.id())
        .setHostname(agent.hostname())
        .setAddress(agent.address())
        .putAllAttributes(agent.attributes())
        .setResources(
            Resources.newBuilder()
                .setCpus(agent.cpus())
                .setMemoryMib(agent.memMib())
                .setDiskMib(agent.diskMib())
                .addAllPortRanges(agent.portRanges()))
        .setUsedResources(
            Resources.newBuilder().setCpus(agent.usedCpus()).setMemoryMib(agent.usedMemMib()))
        .setActive(agent.active())
        .setRegisteredTime(
            Timestamp.newBuilder()
                .setSeconds(seconds)
                .setNanos((int) ((agent.registeredTime() - seconds) * 1_000_000_000)))
        .build();
  }
}
