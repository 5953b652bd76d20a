package io.gatehouse.sim.tasks;

import java.util.List;
import java.util.Map;

/**
 * What to run for one task.
 *
 * @param taskId Marathon task id
 * @param bindAddress the address the task's servers listen on (its agent's, or its own IP)
 * @param ports the ports the task must listen on, by port index
 * @param cmd the app's command, or null
 * @param image the container image, or null
 * @param env Marathon's task environment (PORT0..., HOST, MARATHON_APP_ID, ...)
 */
public record TaskSpec(
    String taskId,
    String bindAddress,
    List<Integer> ports,
    String cmd,
    String image,
    Map<String, String> env) {}
