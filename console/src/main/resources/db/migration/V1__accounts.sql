-- Operator accounts, their browser sessions and their API tokens. Secrets are kept only as
-- hashes: Argon2id for passwords, SHA-256 for session and API tokens (random 256-bit values).
CREATE TABLE account (
  name          text PRIMARY KEY,
  role          text NOT NULL CHECK (role IN ('admin', 'operator', 'read-only')),
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE session (
  token_hash bytea PRIMARY KEY,
  account    text NOT NULL REFERENCES account (name) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX session_account ON session (account);

CREATE TABLE api_token (
  id         text PRIMARY KEY,
  account    text NOT NULL REFERENCES account (name) ON DELETE CASCADE,
  name       text NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_token_account ON api_token (account);
