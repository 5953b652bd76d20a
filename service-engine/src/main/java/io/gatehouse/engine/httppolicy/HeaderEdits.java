package io.gatehouse.engine.httppolicy;

import io.gatehouse.api.policy.v1.HeaderAction;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Set;

/** A rule's changes to a request's or a response's headers, checked and compiled once. */
public final class HeaderEdits {
  static final HeaderEdits NONE = new HeaderEdits(new Edit[0]);

  /** Headers that frame a message or belong to one connection: no rule changes them. */
  private static final Set<AsciiString> PROTECTED =
      Set.of(
          HttpHeaderNames.CONTENT_LENGTH,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.UPGRADE,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.KEEP_ALIVE,
          AsciiString.cached("proxy-connection"),
          HttpHeaderNames.HOST);

  private record Edit(
      io.gatehouse.api.policy.v1.HeaderOperation operation, AsciiString name, String value) {}

  private final Edit[] edits;

  private HeaderEdits(Edit[] edits) {
    this.edits = edits;
  }

  /**
   * Compiles {@code actions}.
   *
   * @throws IllegalArgumentException for a name or value HTTP does not allow, or a protected header
   */
  static HeaderEdits of(List<HeaderAction> actions) {
    if (actions.isEmpty()) {
      return NONE;
    }
    Edit[] edits = new Edit[actions.size()];
    HttpHeaders check = new DefaultHttpHeaders(true); // Netty's own name and value validation
    for (int i = 0; i < edits.length; i++) {
      HeaderAction action = actions.get(i);
      AsciiString name = AsciiString.of(action.getName()).toLowerCase();
      if (PROTECTED.contains(name)) {
        throw new IllegalArgumentException(action.getName() + " cannot be changed by a rule");
      }
      switch (action.getOperation()) {
        case HEADER_OPERATION_ADD, HEADER_OPERATION_REPLACE -> check.set(name, action.getValue());
        case HEADER_OPERATION_REMOVE -> check.remove(name);
        default -> throw new IllegalArgumentException("unknown header operation");
      }
      edits[i] = new Edit(action.getOperation(), name, action.getValue());
    }
    return new HeaderEdits(edits);
  }

  boolean isEmpty() {
    return edits.length == 0;
  }

  /** Makes the changes to {@code headers}, in order. */
  public void apply(HttpHeaders headers) {
    for (Edit edit : edits) {
      switch (edit.operation()) {
        case HEADER_OPERATION_ADD -> headers.add(edit.name(), edit.value());
        case HEADER_OPERATION_REPLACE -> headers.set(edit.name(), edit.value());
        default -> headers.remove(edit.name());
      }
    }
  }
}
