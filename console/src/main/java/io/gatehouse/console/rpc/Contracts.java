package io.gatehouse.console.rpc;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.gatehouse.api.analytics.v1.QueryProto;
import io.gatehouse.api.discovery.v1.DiscoveryServiceProto;
import io.gatehouse.api.policy.v1.PolicyServiceProto;
import io.gatehouse.api.semanager.v1.AdminProto;
import java.util.List;

/** The services' contracts the console serves: their methods by {@code <service>/<method>}. */
public final class Contracts {
  private static final List<FileDescriptor> FILES =
      List.of(
          PolicyServiceProto.getDescriptor(),
          DiscoveryServiceProto.getDescriptor(),
          AdminProto.getDescriptor(),
          QueryProto.getDescriptor());

  private Contracts() {}

  /** The method {@code <full service name>/<method>} names; an error when no contract has it. */
  public static MethodDescriptor method(String name) {
    int slash = name.lastIndexOf('/');
    if (slash > 0) {
      for (FileDescriptor file : FILES) {
        for (ServiceDescriptor service : file.getServices()) {
          if (service.getFullName().equals(name.substring(0, slash))) {
            MethodDescriptor method = service.findMethodByName(name.substring(slash + 1));
            if (method != null) {
              return method;
            }
          }
        }
      }
    }
    throw new IllegalArgumentException("no service the console calls has the method " + name);
  }
}
