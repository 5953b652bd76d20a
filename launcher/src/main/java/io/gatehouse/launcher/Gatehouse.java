package io.gatehouse.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gatehouse}: the platform's entry point on one machine. */
@Command(
    name = "gatehouse",
    mixinStandardHelpOptions = true,
    description = "Gatehouse on one machine.",
    subcommands = {Up.class})
public final class Gatehouse implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Gatehouse()).execute(args));
  }
}
