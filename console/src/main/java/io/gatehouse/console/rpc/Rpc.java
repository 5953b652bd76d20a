package io.gatehouse.console.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The gRPC method a REST operation calls, as {@code <full service name>/<method>} (for example
 * {@code gatehouse.discovery.v1.DiscoveryService/ListApps}): the request and the response of the
 * operation are that method's messages in JSON, and the API document says so.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Rpc {
  String value();
}
