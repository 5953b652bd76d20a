package io.gatehouse.console.accounts;

import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The accounts table: names, roles and password hashes. */
@Singleton
public final class Accounts {
  /** An account name: lower-case letters, digits, '.', '_' and '-', starting with a letter. */
  public static final String NAME = "[a-z][a-z0-9._-]{0,63}";

  private final DataSource db;

  Accounts(DataSource db) {
    this.db = db;
  }

  /** An account with what its password is checked against. */
  public record Stored(Account account, String passwordHash) {}

  /** Why {@code name} cannot name an account; null when it can. */
  public static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "is required";
    }
    return name.matches(NAME)
        ? null
        : "must be 1-64 of a-z, 0-9, '.', '_' and '-', starting with a letter";
  }

  /** Whether any account exists: none before the setup. */
  public boolean any() {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT EXISTS (SELECT 1 FROM account)")) {
      r.next();
      return r.getBoolean(1);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the accounts", e);
    }
  }

  /** The account named {@code name}; null when there is none. */
  public Stored find(String name) {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT name, role, password_hash, created_at FROM account WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? new Stored(account(r), r.getString("password_hash")) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read account " + name, e);
    }
  }

  public List<Account> list() {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT name, role, created_at FROM account ORDER BY name LIMIT 1000")) {
      List<Account> accounts = new ArrayList<>();
      while (r.next()) {
        accounts.add(account(r));
      }
      return accounts;
    } catch (SQLException e) {
      throw new IllegalStateException("could not list the accounts", e);
    }
  }

  /** Adds an account; false when one of that name exists. */
  public boolean create(String name, Role role, String passwordHash) {
    return insert(name, role, passwordHash, false);
  }

  /**
   * Adds the first account; false when any account exists. Two setups racing cannot both win: the
   * table is locked for the check and the insert.
   */
  public boolean createFirst(String name, String passwordHash) {
    return insert(name, Role.ADMIN, passwordHash, true);
  }

  private boolean insert(String name, Role role, String passwordHash, boolean onlyFirst) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (onlyFirst) {
          try (Statement lock = c.createStatement()) {
            lock.execute("LOCK TABLE account IN EXCLUSIVE MODE");
          }
        }
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO account (name, role, password_hash) SELECT ?, ?, ?"
                    + (onlyFirst ? " WHERE NOT EXISTS (SELECT 1 FROM account)" : "")
                    + " ON CONFLICT (name) DO NOTHING")) {
          s.setString(1, name);
          s.setString(2, role.wire());
          s.setString(3, passwordHash);
          boolean added = s.executeUpdate() == 1;
          c.commit();
          return added;
        }
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not add account " + name, e);
    }
  }

  /** What a change of an account came to. */
  public enum Outcome {
    DONE,
    NO_SUCH_ACCOUNT,
    /** Refused: it would leave no admin. */
    LAST_ADMIN
  }

  /**
   * Gives {@code name} a new role and/or password (null leaves it); a new password ends the
   * account's sessions. The last admin stays an admin.
   */
  public Outcome change(String name, Role role, String passwordHash) {
    return underAdminLock(
        name,
        (c, lastAdmin) -> {
          if (lastAdmin && role != null && role != Role.ADMIN) {
            return Outcome.LAST_ADMIN;
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE account SET role = coalesce(?, role),"
                      + " password_hash = coalesce(?, password_hash) WHERE name = ?")) {
            s.setString(1, role == null ? null : role.wire());
            s.setString(2, passwordHash);
            s.setString(3, name);
            if (s.executeUpdate() == 0) {
              return Outcome.NO_SUCH_ACCOUNT;
            }
          }
          if (passwordHash != null) {
            try (PreparedStatement s =
                c.prepareStatement("DELETE FROM session WHERE account = ?")) {
              s.setString(1, name);
              s.executeUpdate();
            }
          }
          return Outcome.DONE;
        });
  }

  /** Deletes {@code name} with its sessions and API tokens; never the last admin. */
  public Outcome delete(String name) {
    return underAdminLock(
        name,
        (c, lastAdmin) -> {
          if (lastAdmin) {
            return Outcome.LAST_ADMIN;
          }
          try (PreparedStatement s = c.prepareStatement("DELETE FROM account WHERE name = ?")) {
            s.setString(1, name);
            return s.executeUpdate() == 0 ? Outcome.NO_SUCH_ACCOUNT : Outcome.DONE;
          }
        });
  }

  private interface AdminLocked {
    Outcome run(Connection c, boolean lastAdmin) throws SQLException;
  }

  /**
   * Runs {@code change} in a transaction that holds the admins' rows, told whether {@code name} is
   * the only admin: two changes racing cannot together leave none.
   */
  private Outcome underAdminLock(String name, AdminLocked change) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<String> admins = new ArrayList<>();
        try (PreparedStatement s =
                c.prepareStatement("SELECT name FROM account WHERE role = 'admin' FOR UPDATE");
            ResultSet r = s.executeQuery()) {
          while (r.next()) {
            admins.add(r.getString(1));
          }
        }
        Outcome outcome = change.run(c, admins.equals(List.of(name)));
        c.commit();
        return outcome;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not change account " + name, e);
    }
  }

  private static Account account(ResultSet r) throws SQLException {
    return new Account(
        r.getString("name"),
        Role.of(r.getString("role")),
        r.getTimestamp("created_at").toInstant());
  }
}
