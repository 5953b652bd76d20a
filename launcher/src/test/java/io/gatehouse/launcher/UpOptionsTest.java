package io.gatehouse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse up}'s options that cannot work are refused before anything starts. */
class UpOptionsTest {
  @TempDir Path home;

  @Test
  void replicasOutsideOneToFiveAreRefusedBeforeAnythingStarts() {
    for (String replicas : new String[] {"0", "6", "-1"}) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      PrintStream before = System.out;
      int status;
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      try {
        status =
            Gatehouse.commandLine()
                .execute("up", "--replicas=" + replicas, "--home=" + home.resolve("home"));
      } finally {
        System.setOut(before);
      }
      assertThat(status).as(replicas).isEqualTo(2);
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("--replicas must be 1 to 5, not " + replicas);
      assertThat(Files.exists(home.resolve("home"))).as("nothing made or started").isFalse();
    }
  }
}
