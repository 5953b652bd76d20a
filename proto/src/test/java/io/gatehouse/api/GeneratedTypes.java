package io.gatehouse.api;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import io.gatehouse.api.analytics.v1.AnalyticsIngestGrpc;
import io.gatehouse.api.analytics.v1.AnalyticsQueryGrpc;
import io.gatehouse.api.discovery.v1.DiscoveryServiceGrpc;
import io.gatehouse.api.policy.v1.PolicySecretServiceGrpc;
import io.gatehouse.api.policy.v1.PolicyServiceGrpc;
import io.gatehouse.api.semanager.v1.EngineIdentitiesGrpc;
import io.gatehouse.api.semanager.v1.ServiceEngineAdminGrpc;
import io.gatehouse.api.semanager.v1.ServiceEngineControlGrpc;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The generated API, reached from its services: every service, file and message type. */
final class GeneratedTypes {
  static final String PROTO_PACKAGE_PREFIX = "gatehouse.";

  private GeneratedTypes() {}

  /** Every gRPC service of the v1 API. */
  static List<ServiceDescriptor> services() {
    return List.of(
        PolicyServiceGrpc.getServiceDescriptor(),
        PolicySecretServiceGrpc.getServiceDescriptor(),
        DiscoveryServiceGrpc.getServiceDescriptor(),
        ServiceEngineControlGrpc.getServiceDescriptor(),
        ServiceEngineAdminGrpc.getServiceDescriptor(),
        EngineIdentitiesGrpc.getServiceDescriptor(),
        AnalyticsIngestGrpc.getServiceDescriptor(),
        AnalyticsQueryGrpc.getServiceDescriptor());
  }

  /** Every Gatehouse .proto file reachable from the services, keyed by path. */
  static Map<String, FileDescriptor> files() {
    Map<String, FileDescriptor> files = new LinkedHashMap<>();
    for (ServiceDescriptor service : services()) {
      collect(
          ((ProtoFileDescriptorSupplier) service.getSchemaDescriptor()).getFileDescriptor(), files);
    }
    return files;
  }

  /** Every message type (nested ones included, map entries excluded) of the Gatehouse files. */
  static List<Descriptor> messageTypes() {
    List<Descriptor> types = new ArrayList<>();
    for (FileDescriptor file : files().values()) {
      file.getMessageTypes().forEach(type -> addWithNested(type, types));
    }
    return types;
  }

  /** A builder of the generated Java class for {@code type}. */
  static Message.Builder newBuilder(Descriptor type) {
    try {
      Class<?> generated = Class.forName(javaClassName(type));
      return (Message.Builder) generated.getMethod("newBuilder").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("no generated class for " + type.getFullName(), e);
    }
  }

  private static String javaClassName(Descriptor type) {
    String nested = type.getName();
    for (Descriptor outer = type.getContainingType();
        outer != null;
        outer = outer.getContainingType()) {
      nested = outer.getName() + "$" + nested;
    }
    String javaPackage = type.getFile().getOptions().getJavaPackage();
    return javaPackage.isEmpty() ? nested : javaPackage + "." + nested;
  }

  private static void collect(FileDescriptor file, Map<String, FileDescriptor> files) {
    if (!file.getPackage().startsWith(PROTO_PACKAGE_PREFIX) || files.containsKey(file.getName())) {
      return;
    }
    files.put(file.getName(), file);
    file.getDependencies().forEach(dependency -> collect(dependency, files));
  }

  private static void addWithNested(Descriptor type, List<Descriptor> types) {
    if (type.getOptions().getMapEntry()) {
      return;
    }
    types.add(type);
    type.getNestedTypes().forEach(nested -> addWithNested(nested, types));
  }
}
