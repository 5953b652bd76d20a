package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The embedded PostgreSQL of a running platform, handled as its operator would with {@code pg_ctl}:
 * stopped the way a crash stops it (immediate mode: no checkpoint, every connection cut, crash
 * recovery on the next start), and started again with the options it ran with, which PostgreSQL
 * keeps in {@code postmaster.opts}. As root, {@code pg_ctl} runs in a user namespace, as the
 * launcher's own does, since PostgreSQL refuses root.
 */
final class PlatformDatabase {
  private final Path data;
  private final Path log;

  PlatformDatabase(RunningPlatform platform) {
    this.data = platform.home.resolve("postgres");
    this.log = platform.home.resolve("postgres-restarted.log");
  }

  /** Stops the server at once, as a crash would. */
  void crash() throws Exception {
    pgCtl("-D", data.toString(), "-m", "immediate", "-w", "stop");
  }

  /** Starts it again with the options of its last start, and waits until it takes connections. */
  void start() throws Exception {
    pgCtl(
        "-D",
        data.toString(),
        "-l",
        log.toString(),
        "-w",
        "-t",
        "60",
        "-o",
        String.join(" ", options().subList(1, options().size())),
        "start");
  }

  /**
   * The server's last command line as {@code postmaster.opts} holds it: the binary, then each
   * argument in double quotes (the test's temporary paths hold no quote).
   */
  private List<String> options() throws IOException {
    String line = Files.readString(data.resolve("postmaster.opts"), StandardCharsets.UTF_8).strip();
    List<String> words = new ArrayList<>();
    int firstQuote = line.indexOf(" \"");
    words.add(line.substring(0, firstQuote));
    for (String quoted : line.substring(firstQuote + 1).split(" (?=\")")) {
      assertThat(quoted).startsWith("\"").endsWith("\"");
      words.add(quoted);
    }
    return words;
  }

  private void pgCtl(String... args) throws Exception {
    Path pgCtl = Path.of(options().get(0)).resolveSibling("pg_ctl");
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("unshare", "-U"));
    }
    command.add(pgCtl.toString());
    command.addAll(List.of(args));
    Path output = Files.createTempFile(data.getParent(), "pg_ctl-", ".out");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("pg_ctl %s", args).isTrue();
    assertThat(process.exitValue()).as(Files.readString(output)).isZero();
  }
}
