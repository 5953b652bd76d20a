package io.gatehouse.bench.jmh;

import io.gatehouse.engine.config.EndpointConfig;
import io.gatehouse.engine.config.LbAlgorithm;
import io.gatehouse.engine.config.PoolConfig;
import io.gatehouse.engine.pool.Endpoint;
import io.gatehouse.engine.pool.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** One member pick per request, for each algorithm, over a pool of 16 members. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoadBalancerBenchmark {
  @Param({"ROUND_ROBIN", "LEAST_CONNECTIONS", "FASTEST_RESPONSE", "CONSISTENT_HASH"})
  public LbAlgorithm algorithm;

  private Pool pool;
  private int client;

  @Setup
  public void build() {
    List<EndpointConfig> members = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      members.add(new EndpointConfig("10.0.0." + (i + 1), 31000 + i, 1 + i % 3));
    }
    pool = new Pool(new PoolConfig("bench", algorithm, members, Duration.ofSeconds(1)));
    for (Endpoint member : pool.members()) {
      member.responded(1_000_000 + member.address().getPort());
    }
  }

  @Benchmark
  public Endpoint pick() {
    return pool.pick("10.9." + (client++ & 255) + ".7", Set.of());
  }
}
