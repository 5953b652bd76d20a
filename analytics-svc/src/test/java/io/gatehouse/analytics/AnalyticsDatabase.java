package io.gatehouse.analytics;

import io.gatehouse.testsupport.TestPostgres;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/** A fresh database with analytics-svc's schema, for tests that use its stores directly. */
public final class AnalyticsDatabase {
  private AnalyticsDatabase() {}

  /** A data source on a new database, its schema migrated to {@code target} (null: the last). */
  public static DataSource fresh(String target) {
    DataSource ds = dataSource(TestPostgres.freshDatabase());
    flyway(ds, target).migrate();
    return ds;
  }

  public static DataSource dataSource(TestPostgres.Database db) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(db.jdbcUrl());
    ds.setUser(db.user());
    ds.setPassword(db.password());
    ds.setCurrentSchema("analytics");
    return ds;
  }

  public static Flyway flyway(DataSource ds, String target) {
    var config =
        Flyway.configure()
            .dataSource(ds)
            .schemas("analytics")
            .defaultSchema("analytics")
            .locations("classpath:db/migration");
    if (target != null) {
      config.target(target);
    }
    return config.load();
  }

  /** The first column of every row {@code sql} returns, as text. */
  public static java.util.List<String> column(DataSource ds, String sql)
      throws java.sql.SQLException {
    java.util.List<String> rows = new java.util.ArrayList<>();
    try (java.sql.Connection c = ds.getConnection();
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }
}
