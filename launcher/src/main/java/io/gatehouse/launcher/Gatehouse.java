package io.gatehouse.launcher;

import io.gatehouse.launcher.cli.AnalyticsCommands;
import io.gatehouse.launcher.cli.Commands;
import io.gatehouse.launcher.cli.EngineCredentialCommand;
import io.gatehouse.launcher.cli.PolicyCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gatehouse}: the platform's entry point on one machine. */
@Command(
    name = "gatehouse",
    mixinStandardHelpOptions = true,
    description = "Gatehouse: the platform on one machine (up), and a client of its API.",
    subcommands = {
      Up.class,
      Commands.Apps.class,
      Commands.VirtualServices.class,
      Commands.Engines.class,
      Commands.Leaders.class,
      EngineCredentialCommand.class,
      PolicyCommands.Get.class,
      PolicyCommands.Apply.class,
      PolicyCommands.Create.class,
      PolicyCommands.Update.class,
      PolicyCommands.Delete.class,
      AnalyticsCommands.Metrics.class,
      AnalyticsCommands.Logs.class,
      AnalyticsCommands.AppMap.class,
      AnalyticsCommands.Autoscale.class
    })
public final class Gatehouse implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line as {@code gatehouse} parses and runs it. */
  public static CommandLine commandLine() {
    return new CommandLine(new Gatehouse())
        .setCaseInsensitiveEnumValuesAllowed(true); // --output json
  }
}
