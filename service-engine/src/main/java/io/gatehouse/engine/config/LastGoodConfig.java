package io.gatehouse.engine.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The last configuration an engine applied, kept on disk so that a restarted engine serves at once,
 * before any control plane answers. It includes the certificates' private keys (a restarted engine
 * must terminate TLS), so the file is readable by the engine's user only. Written in the static
 * file's form (JSON, which YAML reads), to a temporary file first and then moved into place, so a
 * crash mid-write leaves the previous one.
 */
public final class LastGoodConfig {
  private static final String FILE = "last-good-config.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;

  public LastGoodConfig(Path directory) {
    this.directory = directory;
  }

  public Path file() {
    return directory.resolve(FILE);
  }

  /** Keeps {@code config} as the last good one. */
  public void save(EngineConfig config) throws IOException {
    Files.createDirectories(directory);
    // it holds private keys: readable by the engine's user alone (created so, never widened)
    Path temporary =
        Files.createTempFile(
            directory,
            FILE,
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(temporary.toFile(), StaticConfigFile.render(config, true));
      Files.move(
          temporary, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * The configuration kept, if any.
   *
   * @throws InvalidConfigException when the file no longer validates (say, after an upgrade)
   */
  public Optional<EngineConfig> load() throws IOException {
    return Files.isRegularFile(file())
        ? Optional.of(StaticConfigFile.load(file()))
        : Optional.empty();
  }
}
