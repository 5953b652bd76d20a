package io.gatehouse.policy.internal;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.ResourceInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become gRPC statuses with {@code google.rpc} details. Unknown
 * failures become INTERNAL with a generic message and an incident id that is logged with the cause;
 * neither stack traces nor SQL reach clients.
 */
@Singleton
public final class StatusMapper {
  static final String DOMAIN = "policy.gatehouse.io";
  private static final Logger log = LoggerFactory.getLogger(StatusMapper.class);

  /** The status a failure is reported with. */
  public StatusRuntimeException toStatus(Throwable failure) {
    if (failure instanceof StatusRuntimeException status) {
      return status;
    }
    if (failure instanceof PolicyException policy) {
      return StatusProto.toStatusRuntimeException(toRpcStatus(policy));
    }
    SQLException sql = sqlCause(failure);
    if (sql != null && isTransient(sql)) {
      log.warn("database unavailable: {}", sql.getMessage());
      return Status.UNAVAILABLE
          .withDescription("the policy database is unavailable; retry the call")
          .asRuntimeException();
    }
    String incident = UUID.randomUUID().toString();
    log.error("internal error, incident {}", incident, failure);
    return Status.INTERNAL
        .withDescription("internal error (incident " + incident + ")")
        .asRuntimeException();
  }

  private static com.google.rpc.Status toRpcStatus(PolicyException e) {
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder().setCode(e.code().getNumber()).setMessage(e.getMessage());
    Any detail = detail(e);
    if (detail != null) {
      status.addDetails(detail);
    }
    return status.build();
  }

  private static Any detail(PolicyException e) {
    if (e instanceof InvalidArgumentException invalid) {
      BadRequest.Builder bad = BadRequest.newBuilder();
      invalid
          .violations()
          .forEach(
              v ->
                  bad.addFieldViolations(
                      BadRequest.FieldViolation.newBuilder()
                          .setField(v.field())
                          .setDescription(v.description())));
      return Any.pack(bad.build());
    }
    if (e instanceof NotFoundException notFound) {
      return Any.pack(resourceInfo(notFound.object(), "not found"));
    }
    if (e instanceof AlreadyExistsException exists) {
      return Any.pack(resourceInfo(exists.object(), "already exists"));
    }
    if (e instanceof RevisionMismatchException stale) {
      return Any.pack(
          ErrorInfo.newBuilder()
              .setReason("REVISION_MISMATCH")
              .setDomain(DOMAIN)
              .putMetadata("current_revision", Long.toString(stale.currentRevision()))
              .putMetadata("resource_type", stale.object().resourceType())
              .putMetadata("resource_name", stale.object().name())
              .build());
    }
    if (e instanceof RevisionCompactedException compacted) {
      return Any.pack(
          ErrorInfo.newBuilder()
              .setReason("REVISION_COMPACTED")
              .setDomain(DOMAIN)
              .putMetadata("oldest_revision", Long.toString(compacted.oldestRevision()))
              .build());
    }
    if (e instanceof PreconditionException precondition) {
      PreconditionFailure.Builder failure = PreconditionFailure.newBuilder();
      precondition
          .violations()
          .forEach(
              v ->
                  failure.addViolations(
                      PreconditionFailure.Violation.newBuilder()
                          .setType(v.type())
                          .setSubject(v.subject())
                          .setDescription(v.description())));
      return Any.pack(failure.build());
    }
    return null;
  }

  private static ResourceInfo resourceInfo(ObjectRef object, String description) {
    return ResourceInfo.newBuilder()
        .setResourceType(object.resourceType())
        .setResourceName(object.name())
        .setDescription(description)
        .build();
  }

  private static SQLException sqlCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  /**
   * Connection loss, server shutdown or restart, too many connections, or no pooled connection in
   * time: retrying the same call can succeed.
   */
  static boolean isTransient(SQLException e) {
    if (e instanceof SQLTransientException) {
      return true;
    }
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("08") // connection exception
            || state.startsWith("53") // insufficient resources
            || state.startsWith("57P")); // admin shutdown, crash shutdown, cannot connect now
  }
}
