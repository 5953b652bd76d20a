package io.gatehouse.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last configuration an engine applied, kept on disk so that a restarted engine serves at once,
 * before any control plane answers. It includes the certificates' private keys (a restarted engine
 * must terminate TLS), so the file is readable by the engine's user only. Written in the static
 * file's form (JSON, which YAML reads), to a temporary file first, forced to the disk, then moved
 * into place and the move forced too (the directory), so neither a crash mid-write nor a power cut
 * after it leaves a torn or empty file.
 */
public final class LastGoodConfig {
  private static final String FILE = "last-good-config.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger log = LoggerFactory.getLogger(LastGoodConfig.class);

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
      byte[] json =
          JSON.writerWithDefaultPrettyPrinter()
              .writeValueAsBytes(StaticConfigFile.render(config, true));
      try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        out.write(ByteBuffer.wrap(json));
        out.force(true);
      }
      Files.move(
          temporary, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true); // the rename itself
      }
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

  /**
   * As {@link #load}, for an engine that a manager will push to: a file that does not read as a
   * configuration is moved aside (kept for a look, named in one log line) and counts as none, so
   * the engine starts and waits for the push instead of refusing to start.
   */
  public Optional<EngineConfig> loadOrSetAside() throws IOException {
    try {
      return load();
    } catch (InvalidConfigException | JsonProcessingException e) {
      Path aside = directory.resolve(FILE + ".unreadable-" + System.currentTimeMillis());
      Files.move(file(), aside, StandardCopyOption.ATOMIC_MOVE);
      // the file holds private keys: the log says what kind of failure, never what was read
      log.warn(
          "the last good configuration does not read ({}); moved to {}; waiting for the push",
          e.getClass().getSimpleName(),
          aside);
      return Optional.empty();
    }
  }
}
