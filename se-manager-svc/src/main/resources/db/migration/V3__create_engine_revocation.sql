-- Engines whose credentials issued before revoked_before no longer count (set when an engine is
-- decommissioned). A row outlives its engine's and is dropped once every credential it covers has
-- expired.
CREATE TABLE engine_revocation (
    se_id           text        PRIMARY KEY,
    revoked_before  timestamptz NOT NULL
);
