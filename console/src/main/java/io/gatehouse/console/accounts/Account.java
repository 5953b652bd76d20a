package io.gatehouse.console.accounts;

import java.time.Instant;

/** An operator account as the API shows it (never with its password hash). */
public record Account(String name, Role role, Instant createdAt) {}
