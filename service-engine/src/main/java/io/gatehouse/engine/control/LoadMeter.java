package io.gatehouse.engine.control;

import io.gatehouse.api.semanager.v1.LoadFigures;
import io.gatehouse.engine.ServiceEngine;
import io.gatehouse.engine.listener.ServiceStats;
import io.gatehouse.engine.listener.VirtualService;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * An engine's load as its heartbeats carry it to the manager: client connections open, requests per
 * second and process CPU (in CPUs) since the last reading, resident memory, and the client logs
 * dropped since start. Read on the control thread only.
 */
public final class LoadMeter {
  private static final Path STATM = Path.of("/proc/self/statm");
  private static final long PAGE = 4096;

  private final LongSupplier openConnections;
  private final LongSupplier requests;
  private final LongSupplier cpuNanos; // -1: unknown
  private final LongSupplier residentBytes; // -1: unknown
  private final LongSupplier logsDropped;
  private final LongSupplier clock;
  private long lastRequests = -1;
  private long lastCpu = -1;
  private long lastAt;

  LoadMeter(
      LongSupplier openConnections,
      LongSupplier requests,
      LongSupplier cpuNanos,
      LongSupplier residentBytes,
      LongSupplier logsDropped,
      LongSupplier clock) {
    this.openConnections = openConnections;
    this.requests = requests;
    this.cpuNanos = cpuNanos;
    this.residentBytes = residentBytes;
    this.logsDropped = logsDropped;
    this.clock = clock;
  }

  /** The load of {@code engine}, whose client log buffer has dropped {@code logsDropped}. */
  public static LoadMeter of(ServiceEngine engine, LongSupplier logsDropped) {
    return new LoadMeter(
        engine::openConnections,
        () ->
            engine.services().values().stream()
                .map(VirtualService::stats)
                .mapToLong(ServiceStats::requests)
                .sum(),
        LoadMeter::processCpuNanos,
        LoadMeter::residentBytes,
        logsDropped,
        System::nanoTime);
  }

  /** The figures now; the rates are over the time since the last call (none at the first). */
  public LoadFigures read() {
    long now = clock.getAsLong();
    long requestsNow = requests.getAsLong();
    long cpuNow = cpuNanos.getAsLong();
    LoadFigures.Builder figures =
        LoadFigures.newBuilder()
            .setOpenConnections(Math.max(0, openConnections.getAsLong()))
            .setAnalyticsDropped(Math.max(0, logsDropped.getAsLong()));
    long resident = residentBytes.getAsLong();
    if (resident >= 0) {
      figures.setResidentMemoryBytes(resident);
    }
    double seconds = (now - lastAt) / 1e9;
    if (lastRequests >= 0 && seconds > 0) {
      // a removed service takes its count with it: the total may fall, the rate never does
      figures.setRequestsPerSecond(Math.max(0, requestsNow - lastRequests) / seconds);
    }
    if (lastCpu >= 0 && cpuNow >= 0 && seconds > 0) {
      figures.setCpuUsed(Math.max(0, cpuNow - lastCpu) / 1e9 / seconds);
    }
    lastRequests = requestsNow;
    lastCpu = cpuNow;
    lastAt = now;
    return figures.build();
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }

  /** The process's resident set, from /proc (its second field, in pages); -1 elsewhere. */
  private static long residentBytes() {
    try {
      String[] fields = Files.readString(STATM).trim().split("\\s+");
      return Long.parseLong(fields[1]) * PAGE;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
