package io.gatehouse.common.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** Statuses with {@code google.rpc} details, built the same way by every service. */
public final class Errors {
  private Errors() {}

  /**
   * INVALID_ARGUMENT naming the offending field: the message reads "field: description", and a
   * BadRequest field violation carries both for programs.
   */
  public static StatusRuntimeException invalidArgument(String field, String description) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE)
            .setMessage(field + ": " + description)
            .addDetails(
                Any.pack(
                    BadRequest.newBuilder()
                        .addFieldViolations(
                            BadRequest.FieldViolation.newBuilder()
                                .setField(field)
                                .setDescription(description))
                        .build()))
            .build());
  }

  /** INVALID_ARGUMENT naming every offending field (field → description), in their order. */
  public static StatusRuntimeException invalidArgument(java.util.Map<String, String> problems) {
    BadRequest.Builder violations = BadRequest.newBuilder();
    StringBuilder message = new StringBuilder();
    problems.forEach(
        (field, description) -> {
          violations.addFieldViolations(
              BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description));
          message
              .append(message.length() == 0 ? "" : "; ")
              .append(field)
              .append(": ")
              .append(description);
        });
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE)
            .setMessage(message.toString())
            .addDetails(Any.pack(violations.build()))
            .build());
  }
}
