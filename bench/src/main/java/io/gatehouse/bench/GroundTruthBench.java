package io.gatehouse.bench;

import io.gatehouse.api.analytics.v1.TimingComponent;
import io.gatehouse.testsupport.GroundTruth;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The timing breakdown's accuracy, as visible as its speed: for each scenario of {@link
 * GroundTruth}, the truth next to each component analytics-svc reports (p50, p99), so that a
 * regression in the measurement shows in figures.
 */
@Command(
    name = "ground-truth",
    mixinStandardHelpOptions = true,
    description = "Print the timing breakdown next to the ground truth.")
final class GroundTruthBench implements Callable<Integer> {
  @Option(names = "--requests", description = "requests per scenario (default: ${DEFAULT-VALUE})")
  int requests = 100;

  @Option(names = "--app-ms", description = "the member's answer time (default: ${DEFAULT-VALUE})")
  long appMs = 80;

  @Override
  public Integer call() throws Exception {
    try (GroundTruth truth = GroundTruth.start()) {
      print(
          "member answers after " + appMs + " ms (truth: app response)",
          truth.slowApp(requests, appMs));
      print(
          "member streams its body for 400 ms (truth: data transfer)",
          truth.stream(Math.max(3, requests / 10), 11, 40));
      print(
          "client reads 32 MiB at 32 MiB/s (truth: its reading time, as data transfer)",
          truth.slowReader(3, 32 << 20, 32 << 20));
      print(
          "TCP connections held 300 ms (truth: total; member connect at loopback)",
          truth.tcp(Math.max(3, requests / 10), 4096, 300).timing());
      print(
          "UDP sessions of one datagram (truth: the session timeout, as total)",
          truth.udp(Math.max(3, requests / 10), 512).timing());
      long[] counted = truth.errors(requests * 2, 10);
      System.out.printf(
          Locale.ROOT,
          "%d requests, %d answered 503: analytics counts %d requests, %d 5xx%n",
          requests * 2,
          (requests * 2 + 9) / 10,
          counted[0],
          counted[1]);
    }
    return 0;
  }

  private static void print(String scenario, GroundTruth.Measured m) {
    System.out.printf(Locale.ROOT, "%s: truth %.1f ms%n", scenario, m.truthNanos() / 1e6);
    for (TimingComponent component : m.reported().keySet()) {
      System.out.printf(
          Locale.ROOT,
          "  %-14s %s%n",
          component.name().substring("TIMING_COMPONENT_".length()).toLowerCase(Locale.ROOT),
          m.of(component));
    }
  }
}
