package io.gatehouse.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Runs the JMH micro-benchmarks of the engine's hot paths, with JMH's own options. */
@Command(
    name = "jmh",
    description = {
      "JMH micro-benchmarks of the engine's hot paths (LoadBalancerBenchmark,"
          + " HttpHotPathsBenchmark).",
      "Arguments go to JMH: a name pattern, -f forks, -i iterations, -h for its help."
    })
final class JmhBench implements Callable<Integer> {
  /** Everything after "jmh", JMH's options included, goes to JMH as it is. */
  @Unmatched List<String> arguments = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    org.openjdk.jmh.Main.main(arguments.toArray(String[]::new));
    return 0;
  }
}
