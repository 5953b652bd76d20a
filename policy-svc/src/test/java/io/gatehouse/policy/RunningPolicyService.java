package io.gatehouse.policy;

import io.gatehouse.testsupport.TestPostgres;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of end-to-end tests: policy-svc running in the test JVM (annotate the subclass with
 * {@code @MicronautTest}) on a fresh database of the shared test PostgreSQL, and gRPC clients
 * connected to it over loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RunningPolicyService implements TestPropertyProvider {
  @Inject protected GrpcEmbeddedServer server;
  protected PolicyClients clients;
  protected TestPostgres.Database database;

  @Override
  public Map<String, String> getProperties() {
    database = TestPostgres.freshDatabase();
    return database.micronautProperties();
  }

  @BeforeAll
  void connect() {
    clients = new PolicyClients(server.getPort());
  }

  @AfterAll
  void disconnect() {
    clients.close();
  }
}
