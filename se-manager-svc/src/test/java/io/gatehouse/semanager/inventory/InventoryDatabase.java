package io.gatehouse.semanager.inventory;

import io.gatehouse.testsupport.TestPostgres;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/** An inventory on a fresh database of the test PostgreSQL, migrated as the service does. */
public final class InventoryDatabase {
  private InventoryDatabase() {}

  public static Inventory fresh() {
    TestPostgres.Database db = TestPostgres.freshDatabase();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(db.jdbcUrl());
    dataSource.setUser(db.user());
    dataSource.setPassword(db.password());
    Flyway.configure()
        .dataSource(dataSource)
        .schemas("semanager")
        .defaultSchema("semanager")
        .load()
        .migrate();
    dataSource.setCurrentSchema("semanager");
    return new Inventory(dataSource);
  }
}
