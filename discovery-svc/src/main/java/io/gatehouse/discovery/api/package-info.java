/** DiscoveryService over gRPC: the app model mapped to the v1 API. */
package io.gatehouse.discovery.api;
