package io.gatehouse.engine.http.framing;

import io.gatehouse.engine.testing.LeakCheck;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The engine's HTTP codecs fuzzed with hostile traffic from {@link RequestGrammar}, a bounded
 * number of tries per build (jqwik picks the inputs; a failure prints the seed and the shrunk input
 * that reproduces it, which then belongs in the corpus under {@code src/test/resources/fuzz}).
 */
class CodecFuzzTest {
  private static LeakCheck leaks;

  @BeforeContainer
  static void watchLeaks() {
    leaks = LeakCheck.watching();
  }

  @AfterContainer
  static void noLeaks() {
    leaks.assertNoLeaks();
  }

  @Provide
  Arbitrary<List<byte[]>> requests() {
    return RequestGrammar.requestStreams();
  }

  @Provide
  Arbitrary<List<byte[]>> responses() {
    return RequestGrammar.responseStreams();
  }

  /**
   * The invariants are checked inside {@link CodecInvariants}; the coverage check makes sure the
   * grammar reaches both sides of the codec's decisions, so the fuzzing cannot silently degrade to
   * inputs that are all refused (or all accepted).
   */
  @Property(tries = 3000)
  void clientTrafficIsDecodedFramedOneWayOrRefused(@ForAll("requests") List<byte[]> segments) {
    classify(CodecInvariants.requests(segments));
  }

  @Property(tries = 2000)
  void memberTrafficIsDecodedFramedOneWayOrRefused(@ForAll("responses") List<byte[]> segments) {
    classify(CodecInvariants.responses(segments));
  }

  private static void classify(CodecInvariants.Outcome outcome) {
    Statistics.label("outcome")
        .collect(outcome.refused() ? "refused" : outcome.heads() > 0 ? "accepted" : "incomplete")
        .coverage(
            coverage -> {
              coverage.check("refused").percentage(p -> p > 5);
              coverage.check("accepted").percentage(p -> p > 5);
            });
  }
}
