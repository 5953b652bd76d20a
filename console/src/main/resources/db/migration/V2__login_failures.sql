-- Failed logins, per account and per client address, shared by every console replica: a lock-out
-- holds whichever replica the next attempt reaches. A row counts failures since the first one of
-- its window; a failure after the lock-out time has passed starts a new window. Expired rows are
-- removed as failures are recorded, so the table stays bounded by what one lock-out time sees.
CREATE TABLE login_failure (
  kind     text        NOT NULL CHECK (kind IN ('account', 'address')),
  key      text        NOT NULL,
  failures integer     NOT NULL,
  last_at  timestamptz NOT NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX login_failure_last_at ON login_failure (last_at);
