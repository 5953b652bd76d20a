package io.gatehouse.launcher.cli;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Channel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The CLI's policy commands: read, create, replace and delete any kind of policy object, from the
 * command line or from YAML/JSON files ({@link PolicyFiles}).
 */
public final class PolicyCommands {
  private PolicyCommands() {}

  @Command(
      name = "get",
      description = {
        "Policy objects of a kind as a table, or one object as YAML (JSON with --output json).",
        "Kinds: virtual-service, pool, health-monitor, network-security-policy,"
            + " ssl-key-and-certificate, autoscale-policy, service-engine-group."
      })
  public static final class Get extends Commands.Base {
    @Parameters(index = "0", paramLabel = "KIND")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME", arity = "0..1")
    String name;

    @Override
    void run(Function<String, Channel> channels) throws Exception {
      FieldDescriptor objectKind = PolicyObjects.kind(kind);
      PolicyObjects objects = new PolicyObjects(channels.apply(connection.policy));
      if (name != null) {
        PolicyObjects.Entry entry = objects.get(objectKind, name);
        if (!json(entry.wrapped())) {
          out.print(PolicyFiles.yaml(entry));
        }
        return;
      }
      List<PolicyObjects.Entry> all = objects.list(objectKind);
      if (connection.output == Connection.Output.JSON) {
        for (PolicyObjects.Entry entry : all) {
          out.println(JsonFormat.printer().print(entry.wrapped()));
        }
        return;
      }
      Table table = new Table("NAME", "REVISION", "UPDATED", "SOURCE");
      for (PolicyObjects.Entry entry : all) {
        var meta = entry.meta();
        table.row(
            entry.name(),
            entry.revision(),
            Instant.ofEpochSecond(meta.getUpdateTime().getSeconds()),
            meta.getSource().getMarathonAppId().isEmpty()
                ? "api"
                : "app " + meta.getSource().getMarathonAppId());
      }
      table.print(out);
    }
  }

  /** One or more files of objects. */
  static final class Files {
    @Option(
        names = {"-f", "--file"},
        required = true,
        paramLabel = "FILE",
        description = "a YAML or JSON file of policy objects (repeatable)")
    List<Path> files;

    List<PolicyObjects.Entry> entries() {
      return PolicyObjects.inWriteOrder(
          files.stream().flatMap(f -> PolicyFiles.read(f).stream()).toList());
    }
  }

  /** A command that writes the objects of files, referenced kinds first. */
  abstract static class Write extends Commands.Base {
    @ArgGroup(exclusive = false, multiplicity = "1")
    Files files;

    /** Writes one object; returns it as stored. */
    abstract PolicyObjects.Entry write(PolicyObjects objects, PolicyObjects.Entry entry);

    /** What was done, for the output: "created". */
    abstract String done();

    @Override
    void run(Function<String, Channel> channels) throws Exception {
      List<PolicyObjects.Entry> entries = files.entries(); // every file parses before any write
      PolicyObjects objects = new PolicyObjects(channels.apply(connection.policy));
      for (PolicyObjects.Entry entry : entries) {
        out.println(entry + " " + done() + " at revision " + write(objects, entry).revision());
      }
    }
  }

  @Command(
      name = "apply",
      description = {
        "Creates or replaces the objects in the files, referenced kinds first.",
        "An object whose meta.revision is set is replaced only at that revision."
      })
  public static final class Apply extends Write {
    @Override
    PolicyObjects.Entry write(PolicyObjects objects, PolicyObjects.Entry entry) {
      return objects.update(entry, true);
    }

    @Override
    String done() {
      return "applied";
    }
  }

  @Command(
      name = "create",
      description = "Creates the objects in the files; fails at the first that exists.")
  public static final class Create extends Write {
    @Override
    PolicyObjects.Entry write(PolicyObjects objects, PolicyObjects.Entry entry) {
      return objects.create(entry);
    }

    @Override
    String done() {
      return "created";
    }
  }

  @Command(
      name = "update",
      description = {
        "Replaces the objects in the files; fails at the first that does not exist.",
        "An object whose meta.revision is set is replaced only at that revision."
      })
  public static final class Update extends Write {
    @Override
    PolicyObjects.Entry write(PolicyObjects objects, PolicyObjects.Entry entry) {
      return objects.update(entry, false);
    }

    @Override
    String done() {
      return "updated";
    }
  }

  @Command(
      name = "delete",
      description = "Deletes one object (KIND NAME) or those in files, referring ones first.")
  public static final class Delete extends Commands.Base {
    @Parameters(paramLabel = "KIND NAME", arity = "0..2")
    List<String> kindAndName = List.of();

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "a YAML or JSON file of policy objects (repeatable)")
    List<Path> files = List.of();

    @Override
    void run(Function<String, Channel> channels) throws Exception {
      List<PolicyObjects.Entry> entries;
      if (kindAndName.size() == 2 && files.isEmpty()) {
        FieldDescriptor objectKind = PolicyObjects.kind(kindAndName.get(0));
        entries = List.of(PolicyObjects.Entry.named(objectKind, kindAndName.get(1)));
      } else if (kindAndName.isEmpty() && !files.isEmpty()) {
        entries =
            new java.util.ArrayList<>(
                PolicyObjects.inWriteOrder(
                    files.stream().flatMap(f -> PolicyFiles.read(f).stream()).toList()));
        java.util.Collections.reverse(entries); // what refers to an object goes before it
      } else {
        throw new IllegalArgumentException("give KIND NAME, or --file FILE");
      }
      PolicyObjects objects = new PolicyObjects(channels.apply(connection.policy));
      for (PolicyObjects.Entry entry : entries) {
        objects.delete(entry.kind(), entry.name());
        out.println(entry + " deleted");
      }
    }
  }
}
