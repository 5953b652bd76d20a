package io.gatehouse.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar bench/target/bench.jar <benchmark> [options]}. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Gatehouse benchmarks. Run from the repository root after ./mvnw package.",
    subcommands = {
      PolicyBench.class,
      DiscoveryBench.class,
      SeManagerBench.class,
      AnalyticsBench.class,
      AnalyticsSink.class,
      EngineBench.class,
      TlsCostBench.class,
      GrpcBench.class,
      GroundTruthBench.class,
      JmhBench.class
    })
public final class Bench implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }
}
