-- Enrollment credentials already used: each opens one control stream, once. A row is dropped once
-- its credential has expired.
CREATE TABLE spent_credential (
    credential_id  text        PRIMARY KEY,
    expires_at     timestamptz NOT NULL
);
