package io.gatehouse.engine.httppolicy;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.gatehouse.api.policy.v1.MatchOperator;
import io.gatehouse.api.policy.v1.StringMatch;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.List;

/**
 * One compiled {@link StringMatch}: compares a range of a string with its values, in place. A
 * literal comparison allocates nothing; a regular expression runs RE2 (linear in the input,
 * whatever the expression) with a matcher each event loop keeps.
 */
abstract class StringMatcher {
  /** No condition: matches everything. */
  static final StringMatcher ANY =
      new StringMatcher(false) {
        @Override
        boolean test(String s, int from, int to) {
          return true;
        }
      };

  private final boolean invert;

  private StringMatcher(boolean invert) {
    this.invert = invert;
  }

  /** Whether {@code s[from, to)} matches (inverted when the match says so). */
  final boolean matches(String s, int from, int to) {
    return test(s, from, to) != invert;
  }

  /** Whether the comparison is inverted (a named value that is absent then matches). */
  final boolean inverted() {
    return invert;
  }

  /** The comparison itself, not inverted. */
  abstract boolean test(String s, int from, int to);

  /**
   * Compiles {@code match}; {@code ignoreCase} for host names.
   *
   * @throws IllegalArgumentException for an operator or expression that cannot be compiled
   */
  static StringMatcher of(StringMatch match, boolean ignoreCase) {
    MatchOperator operator = match.getOperator();
    boolean invert = match.getInvert();
    List<String> values = match.getValuesList();
    return switch (operator) {
      case MATCH_OPERATOR_UNSPECIFIED -> ANY;
      case MATCH_OPERATOR_PRESENT -> new Present(invert);
      case MATCH_OPERATOR_EXACT,
          MATCH_OPERATOR_PREFIX,
          MATCH_OPERATOR_SUFFIX,
          MATCH_OPERATOR_CONTAINS ->
          new Literal(operator, values.toArray(String[]::new), ignoreCase, invert);
      case MATCH_OPERATOR_REGEX -> new Regex(values, ignoreCase, invert);
      case UNRECOGNIZED -> throw new IllegalArgumentException("unknown match operator");
    };
  }

  private static final class Present extends StringMatcher {
    Present(boolean invert) {
      super(invert);
    }

    @Override
    boolean test(String s, int from, int to) {
      return true;
    }
  }

  private static final class Literal extends StringMatcher {
    private final MatchOperator operator;
    private final String[] values;
    private final boolean ignoreCase;

    Literal(MatchOperator operator, String[] values, boolean ignoreCase, boolean invert) {
      super(invert);
      if (values.length == 0) {
        throw new IllegalArgumentException("a comparison needs at least one value");
      }
      this.operator = operator;
      this.values = values;
      this.ignoreCase = ignoreCase;
    }

    @Override
    boolean test(String s, int from, int to) {
      int length = to - from;
      for (String value : values) {
        int n = value.length();
        boolean hit =
            switch (operator) {
              case MATCH_OPERATOR_EXACT ->
                  n == length && s.regionMatches(ignoreCase, from, value, 0, n);
              case MATCH_OPERATOR_PREFIX ->
                  n <= length && s.regionMatches(ignoreCase, from, value, 0, n);
              case MATCH_OPERATOR_SUFFIX ->
                  n <= length && s.regionMatches(ignoreCase, to - n, value, 0, n);
              default -> contains(s, from, to, value);
            };
        if (hit) {
          return true;
        }
      }
      return false;
    }

    private boolean contains(String s, int from, int to, String value) {
      int last = to - value.length();
      for (int i = from; i <= last; i++) {
        if (s.regionMatches(ignoreCase, i, value, 0, value.length())) {
          return true;
        }
      }
      return false;
    }
  }

  private static final class Regex extends StringMatcher {
    private final FastThreadLocal<Matcher> matcher;
    private static final FastThreadLocal<Slice> SLICE =
        new FastThreadLocal<>() {
          @Override
          protected Slice initialValue() {
            return new Slice();
          }
        };

    Regex(List<String> values, boolean ignoreCase, boolean invert) {
      super(invert);
      if (values.isEmpty()) {
        throw new IllegalArgumentException("a regular expression match needs a value");
      }
      StringBuilder any = new StringBuilder();
      for (String value : values) {
        Pattern.compile(value); // each alone, so that an error names the one at fault
        any.append(any.isEmpty() ? "" : "|").append("(?:").append(value).append(')');
      }
      Pattern pattern = Pattern.compile(any.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
      this.matcher =
          new FastThreadLocal<>() {
            @Override
            protected Matcher initialValue() {
              return pattern.matcher("");
            }
          };
    }

    @Override
    boolean test(String s, int from, int to) {
      Slice slice = SLICE.get().of(s, from, to);
      Matcher m = matcher.get();
      m.reset(slice);
      return m.matches();
    }
  }

  /** A range of a string as a {@link CharSequence}, reused rather than copied. */
  private static final class Slice implements CharSequence {
    private String s = "";
    private int from;
    private int to;

    Slice of(String s, int from, int to) {
      this.s = s;
      this.from = from;
      this.to = to;
      return this;
    }

    @Override
    public int length() {
      return to - from;
    }

    @Override
    public char charAt(int index) {
      return s.charAt(from + index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return s.subSequence(from + start, from + end);
    }

    @Override
    public String toString() {
      return s.substring(from, to);
    }
  }
}
