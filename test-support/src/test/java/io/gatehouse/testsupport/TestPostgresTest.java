package io.gatehouse.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

class TestPostgresTest {

  @Test
  void serverIsARealPostgreSqlOfAtLeastVersion15() throws SQLException {
    TestPostgres.Database db = TestPostgres.freshDatabase();
    try (Connection c = db.connect();
        ResultSet rs = c.createStatement().executeQuery("SHOW server_version_num")) {
      rs.next();
      assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(150000);
      assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
    }
  }

  @Test
  void flywayMigratesAFreshDatabaseAndARowIsWrittenAndReadBack() throws SQLException {
    TestPostgres.Database db = TestPostgres.freshDatabase();

    MigrateResult result =
        Flyway.configure()
            .dataSource(db.jdbcUrl(), db.user(), db.password())
            .locations("classpath:db/testsupport")
            .load()
            .migrate();

    assertThat(result.migrationsExecuted).isEqualTo(1);
    try (Connection c = db.connect()) {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO probe (label) VALUES (?)")) {
        insert.setString(1, "written by " + getClass().getSimpleName());
        assertThat(insert.executeUpdate()).isEqualTo(1);
      }
      try (ResultSet rs = c.createStatement().executeQuery("SELECT id, label FROM probe")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong("id")).isEqualTo(1);
        assertThat(rs.getString("label")).isEqualTo("written by TestPostgresTest");
        assertThat(rs.next()).isFalse();
      }
      try (ResultSet rs =
          c.createStatement()
              .executeQuery("SELECT version FROM flyway_schema_history WHERE success")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("1");
      }
    }
  }

  @Test
  void eachCallerGetsItsOwnEmptyDatabaseOnTheSameServer() throws SQLException {
    TestPostgres.Database first = TestPostgres.freshDatabase();
    TestPostgres.Database second = TestPostgres.freshDatabase();
    try (Connection c = first.connect()) {
      c.createStatement().execute("CREATE TABLE only_in_first (x INT)");
    }

    assertThat(second.name()).isNotEqualTo(first.name());
    assertThat(second.jdbcUrl()).startsWith(TestPostgres.server().jdbcUrl(""));
    try (Connection c = second.connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
    assertThat(first.micronautProperties())
        .containsEntry("datasources.default.url", first.jdbcUrl())
        .containsEntry("datasources.default.username", first.user());
  }
}
