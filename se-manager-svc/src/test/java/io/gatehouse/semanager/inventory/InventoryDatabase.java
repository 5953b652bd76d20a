package io.gatehouse.semanager.inventory;

import io.gatehouse.testsupport.TestPostgres;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/** A fresh database of the test PostgreSQL, migrated as the service does. */
public final class InventoryDatabase {
  private InventoryDatabase() {}

  public static Inventory fresh() {
    return new Inventory(migrated());
  }

  /** A fresh database with the service's schema, as the service's own data source sees it. */
  public static javax.sql.DataSource migrated() {
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
    return dataSource;
  }
}
