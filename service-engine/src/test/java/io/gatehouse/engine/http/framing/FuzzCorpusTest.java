package io.gatehouse.engine.http.framing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.engine.testing.LeakCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the fuzz regression corpus ({@code src/test/resources/fuzz}, see its README) through the
 * codec invariants, whole and cut into one-byte segments: the cut proves the head scanner keeps its
 * place across reads.
 */
@ExtendWith(LeakCheck.class)
class FuzzCorpusTest {
  static Stream<Path> requests() throws IOException, URISyntaxException {
    return corpus("http-requests");
  }

  static Stream<Path> responses() throws IOException, URISyntaxException {
    return corpus("http-responses");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void requestCorpus(Path input) throws IOException {
    byte[] bytes = unescape(Files.readString(input));
    expect(input, CodecInvariants.requests(List.of(bytes)));
    expect(input, CodecInvariants.requests(oneByteAtATime(bytes)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("responses")
  void responseCorpus(Path input) throws IOException {
    byte[] bytes = unescape(Files.readString(input));
    expect(input, CodecInvariants.responses(List.of(bytes)));
    expect(input, CodecInvariants.responses(oneByteAtATime(bytes)));
  }

  private static void expect(Path input, CodecInvariants.Outcome outcome) {
    boolean accepted = input.getFileName().toString().startsWith("accepted-");
    assertThat(outcome.refused()).as("refused").isEqualTo(!accepted);
  }

  private static Stream<Path> corpus(String folder) throws IOException, URISyntaxException {
    Path dir = Path.of(FuzzCorpusTest.class.getResource("/fuzz/" + folder).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> inputs = files.sorted().toList();
      assertThat(inputs).as("corpus " + folder).isNotEmpty();
      return inputs.stream();
    }
  }

  private static List<byte[]> oneByteAtATime(byte[] bytes) {
    return java.util.stream.IntStream.range(0, bytes.length)
        .mapToObj(i -> new byte[] {bytes[i]})
        .toList();
  }

  /** The corpus's escapes: \r \n \t \\ and \xHH; the file's own line breaks are not input. */
  static byte[] unescape(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        continue;
      }
      if (c != '\\') {
        out.write(c);
        continue;
      }
      char next = text.charAt(++i);
      switch (next) {
        case 'r' -> out.write('\r');
        case 'n' -> out.write('\n');
        case 't' -> out.write('\t');
        case '\\' -> out.write('\\');
        case 'x' -> {
          out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
          i += 2;
        }
        default -> throw new IllegalArgumentException("unknown escape \\" + next);
      }
    }
    return out.toByteArray();
  }
}
