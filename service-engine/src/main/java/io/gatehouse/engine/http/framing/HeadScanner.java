package io.gatehouse.engine.http.framing;

import io.netty.util.ByteProcessor;

/**
 * Reads a message head byte by byte for what RFC 9112 forbids but Netty's decoder tolerates or
 * repairs on its way: a folded header line (obs-fold, §5.2), whitespace between a field name and
 * its colon (§5.1), a CR that is not part of a CRLF (§2.2), a line without a colon, and control
 * characters. A lenient member may read such a head differently from the engine, so it is refused
 * before anyone reads it. The scanner stops at the empty line that ends the head; bodies are the
 * decoder's to frame.
 */
final class HeadScanner implements ByteProcessor {
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte SP = ' ';
  private static final byte HT = '\t';
  private static final String BARE_LF = "a line that ends in LF without CR";

  private enum State {
    BEFORE_START_LINE,
    START_LINE,
    START_LINE_CR,
    LINE_START,
    NAME,
    VALUE,
    VALUE_CR,
    END_CR,
    DONE,
    FAILED
  }

  private State state = State.BEFORE_START_LINE;
  private String problem;

  /** Whether the head has been read to its end without a problem. */
  boolean done() {
    return state == State.DONE;
  }

  /** Whether a head has begun and not yet ended: bytes past the empty lines before a start line. */
  boolean inHead() {
    return state != State.BEFORE_START_LINE && state != State.DONE && state != State.FAILED;
  }

  /** What is wrong with the head; null while nothing is. */
  String problem() {
    return problem;
  }

  /** Ready for the next message's head. */
  void reset() {
    state = State.BEFORE_START_LINE;
    problem = null;
  }

  @Override
  public boolean process(byte b) {
    switch (state) {
      case BEFORE_START_LINE -> {
        if (b == CR || b == LF) {
          return true; // empty lines before a start line are skipped (RFC 9112 §2.2)
        }
        state = State.START_LINE;
        return startLine(b);
      }
      case START_LINE -> {
        return startLine(b);
      }
      case START_LINE_CR, VALUE_CR -> {
        return lineFeed(b, State.LINE_START);
      }
      case LINE_START -> {
        if (b == CR) {
          state = State.END_CR;
          return true;
        }
        if (b == SP || b == HT) {
          return fail("a header line starts with whitespace (obs-fold)");
        }
        state = State.NAME;
        return name(b);
      }
      case NAME -> {
        return name(b);
      }
      case VALUE -> {
        if (b == CR) {
          state = State.VALUE_CR;
          return true;
        }
        if (b == LF) {
          return fail(BARE_LF);
        }
        return b == HT || !control(b) || fail("a control character in a header value");
      }
      case END_CR -> {
        lineFeed(b, State.DONE);
        return false; // the head ends here, or is refused
      }
      default -> {
        return false;
      }
    }
  }

  private boolean startLine(byte b) {
    if (b == CR) {
      state = State.START_LINE_CR;
      return true;
    }
    if (b == LF) {
      return fail(BARE_LF);
    }
    return !control(b) || fail("a control character in the start line");
  }

  private boolean name(byte b) {
    if (b == ':') {
      state = State.VALUE;
      return true;
    }
    if (b == SP || b == HT) {
      return fail("whitespace between a header name and its colon");
    }
    if (b == CR || b == LF) {
      return fail("a header line without a colon");
    }
    return !control(b) || fail("a control character in a header name");
  }

  private boolean lineFeed(byte b, State next) {
    if (b != LF) {
      return fail("a CR not followed by LF");
    }
    state = next;
    return true;
  }

  private boolean fail(String why) {
    state = State.FAILED;
    problem = why;
    return false;
  }

  /** CTL of RFC 5234: 0x00–0x1F and DEL. */
  private static boolean control(byte b) {
    return (b >= 0 && b < 0x20) || b == 0x7F;
  }
}
