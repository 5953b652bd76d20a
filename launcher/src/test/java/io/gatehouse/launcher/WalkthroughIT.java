package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.testsupport.ServiceJar;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code gatehouse up} as a user runs it (the launcher's jar, the other modules' jars): the
 * platform comes up, the demo app answers on its service port through the local engines, and
 * stopping the launcher leaves no process of the run behind.
 */
class UpIT {
  private static final Duration WAIT = Duration.ofSeconds(180);

  @Test
  void thePlatformComesUpServesTheDemoAppAndStopsLeavingNothingBehind() throws Exception {
    Path jar = ServiceJar.jarOf("launcher");
    Path home = Files.createTempDirectory("gatehouse-up-it");
    int base = freeBase();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            "up",
            "--home=" + home,
            "--root=" + jar.getParent().getParent().getParent(),
            "--base-port=" + base,
            "--postgres-port=" + ServiceJar.freePort(),
            "--marathon-port=" + ServiceJar.freePort(),
            "--mesos-port=" + ServiceJar.freePort());
    Path log = home.resolve("launcher.log");
    Process launcher =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Files.readString(log).contains("Gatehouse is up."));
      String output = Files.readString(log);
      assertThat(output).contains("[policy    ]", "[se-manager]", "curl http://127.0.0.2:10001/");

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      for (String agent : List.of("127.0.0.2", "127.0.0.3")) {
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  try {
                    return http.send(
                                HttpRequest.newBuilder(URI.create("http://" + agent + ":10001/"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString())
                            .statusCode()
                        == 200;
                  } catch (java.io.IOException notYet) {
                    return false;
                  }
                });
      }
      // the CLI reads the running platform with the local run's token
      List<String> cli =
          List.of(
              "--home=" + home,
              "--policy=127.0.0.1:" + (base + 1),
              "--discovery=127.0.0.1:" + (base + 2),
              "--se-manager=127.0.0.1:" + (base + 3),
              "--analytics=127.0.0.1:" + (base + 4));
      assertThat(run(jar, "apps", cli)).contains("/webappew1").doesNotContain("error");
      assertThat(run(jar, "vs", cli)).contains("webappew1/10001", "east-west", "app /webappew1");
      await()
          .atMost(WAIT)
          .until(() -> run(jar, "engines", cli).split("connected", -1).length - 1 == 2);
      assertThat(
              run(
                  jar,
                  "logs",
                  List.of(
                      "webappew1/10001",
                      "--minutes=100000",
                      "--home=" + home,
                      "--analytics=127.0.0.1:" + (base + 4))))
          .contains("range: spans more than the limit of 7 days");
    } finally {
      launcher.destroy(); // as Ctrl-C: the launcher stops everything it started
      assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(log)).contains("Gatehouse stopped.");
    await().atMost(Duration.ofSeconds(30)).until(() -> processesOf(home.toString()).isEmpty());
  }

  /** Runs a CLI command of the launcher's jar; returns what it printed. */
  private static String run(Path jar, String command, List<String> args) throws Exception {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    line.add("-jar");
    line.add(jar.toString());
    line.add(command);
    line.addAll(args);
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    process.waitFor(60, TimeUnit.SECONDS);
    return output;
  }

  /** The processes whose command line names {@code marker}. */
  private static List<ProcessHandle> processesOf(String marker) {
    List<ProcessHandle> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(marker))
        .forEach(found::add);
    return found;
  }

  /** A base port with base+1..4 and base+91..94 free. */
  private static int freeBase() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20000 + (int) (Math.random() * 20000);
      boolean free = true;
      for (int offset : new int[] {1, 2, 3, 4, 91, 92, 93, 94}) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(base + offset)) {
          socket.setReuseAddress(true);
        } catch (java.io.IOException taken) {
          free = false;
          break;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free port range found");
  }
}
