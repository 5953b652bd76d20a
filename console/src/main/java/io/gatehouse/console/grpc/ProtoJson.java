package io.gatehouse.console.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.gatehouse.console.api.ApiError;

/**
 * The API's JSON of a proto message: the proto3 JSON mapping with the field names of the proto
 * ({@code page_size}, not {@code pageSize}; both are read). A field the message does not have is
 * refused, never dropped.
 */
public final class ProtoJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private ProtoJson() {}

  /** {@code message} as JSON. */
  public static String print(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a service answered what cannot be JSON", e);
    }
  }

  /**
   * Merges {@code json} into {@code into}; what does not fit the message is a 400 naming {@code
   * field} (the part of the request it came from).
   */
  public static void merge(String json, Message.Builder into, String field) {
    try {
      PARSER.merge(json == null ? "" : json, into);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      new ApiError.Violations()
          .add(
              field,
              "does not fit " + into.getDescriptorForType().getName() + ": " + e.getMessage())
          .throwIfAny();
    }
  }
}
