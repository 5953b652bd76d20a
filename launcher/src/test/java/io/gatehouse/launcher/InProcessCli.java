package io.gatehouse.launcher;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code gatehouse} CLI run in the test's JVM: the same command line and code as {@code java
 * -jar launcher.jar ...} without a JVM start per command (seconds each, which waits that poll the
 * CLI multiply). What it prints, to standard output or error, is captured. Tests that are about the
 * jar itself still run it as a process.
 */
public final class InProcessCli {
  private InProcessCli() {}

  /** What a command printed and its exit status. */
  public record Result(int code, String output) {}

  /** Runs {@code gatehouse args...}: one command at a time, since it prints to System.out. */
  public static synchronized Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream to = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(to);
    System.setErr(to);
    try {
      int code = Gatehouse.commandLine().execute(args);
      to.flush();
      return new Result(code, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
