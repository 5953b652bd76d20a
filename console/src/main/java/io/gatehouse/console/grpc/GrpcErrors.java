package io.gatehouse.console.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.gatehouse.console.api.ApiError;
import io.gatehouse.console.api.ApiException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.micronaut.http.HttpStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * A failed service call as the REST API answers it: the HTTP status its gRPC status means, its
 * message, and a bad request's field violations as the service named them.
 */
public final class GrpcErrors {
  private GrpcErrors() {}

  public static ApiException toApi(String service, StatusRuntimeException failed) {
    Status status = failed.getStatus();
    String message = status.getDescription() == null ? "" : status.getDescription();
    return switch (status.getCode()) {
      case INVALID_ARGUMENT ->
          new ApiException(HttpStatus.BAD_REQUEST, message, violations(failed));
      case NOT_FOUND -> new ApiException(HttpStatus.NOT_FOUND, message);
      case ALREADY_EXISTS -> new ApiException(HttpStatus.CONFLICT, message);
      case ABORTED -> new ApiException(HttpStatus.PRECONDITION_FAILED, message);
      case FAILED_PRECONDITION -> new ApiException(HttpStatus.CONFLICT, message);
      case PERMISSION_DENIED -> new ApiException(HttpStatus.FORBIDDEN, message);
      case UNAVAILABLE, DEADLINE_EXCEEDED ->
          new ApiException(HttpStatus.SERVICE_UNAVAILABLE, service + " cannot be reached: retry");
      default ->
          new ApiException(
              HttpStatus.BAD_GATEWAY, service + " failed the call (" + status.getCode() + ")");
    };
  }

  private static List<ApiError.FieldViolation> violations(StatusRuntimeException failed) {
    List<ApiError.FieldViolation> found = new ArrayList<>();
    com.google.rpc.Status details = StatusProto.fromThrowable(failed);
    if (details == null) {
      return found;
    }
    for (Any detail : details.getDetailsList()) {
      if (detail.is(BadRequest.class)) {
        try {
          for (BadRequest.FieldViolation v :
              detail.unpack(BadRequest.class).getFieldViolationsList()) {
            found.add(new ApiError.FieldViolation(v.getField(), v.getDescription()));
          }
        } catch (InvalidProtocolBufferException unreadable) {
          // the status and its message still say what went wrong
        }
      }
    }
    return found;
  }
}
