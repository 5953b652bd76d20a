package io.gatehouse.console.accounts;

/** What an account may do: everything, change the configuration, or only look. */
public enum Role {
  /** Everything an operator may, and managing accounts. */
  ADMIN("admin"),
  /** Reads and changes the configuration; manages its own API tokens. */
  OPERATOR("operator"),
  /** Reads; manages its own API tokens (which read, too). */
  READ_ONLY("read-only");

  private final String wire;

  Role(String wire) {
    this.wire = wire;
  }

  /** Its name in the API and the database. */
  public String wire() {
    return wire;
  }

  /** The role named {@code wire}; null when there is none. */
  public static Role of(String wire) {
    for (Role role : values()) {
      if (role.wire.equals(wire)) {
        return role;
      }
    }
    return null;
  }
}
