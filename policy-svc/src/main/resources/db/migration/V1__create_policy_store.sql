-- The policy store. Every object kind shares one table: its protobuf encoding plus the columns
-- that queries and constraints need. Revisions come from one sequence and are committed in order
-- (writers hold a transaction-level advisory lock), so `changes` is a gap-free, ordered log that
-- Watch can resume from.

CREATE SEQUENCE revision_seq;

CREATE TABLE objects (
    kind             SMALLINT    NOT NULL,              -- gatehouse.policy.v1.ObjectKind number
    name             TEXT        NOT NULL,
    uid              UUID        NOT NULL UNIQUE,
    revision         BIGINT      NOT NULL,
    create_time      TIMESTAMPTZ NOT NULL,
    update_time      TIMESTAMPTZ NOT NULL,
    source_kind      SMALLINT    NOT NULL,              -- ObjectSource.Kind number
    source_app       TEXT        NOT NULL DEFAULT '',   -- Marathon app id for Marathon-owned objects
    source_framework TEXT        NOT NULL DEFAULT '',
    body             BYTEA       NOT NULL,              -- the object (meta included), never a secret
    secret           BYTEA,                             -- AES-GCM ciphertext of a private key
    PRIMARY KEY (kind, name)
);

CREATE INDEX objects_by_source ON objects (kind, source_kind, source_app, name);

-- Who refers to whom. A referenced object cannot be deleted while a reference exists.
CREATE TABLE refs (
    from_kind SMALLINT NOT NULL,
    from_name TEXT     NOT NULL,
    to_kind   SMALLINT NOT NULL,
    to_name   TEXT     NOT NULL,
    field     TEXT     NOT NULL,                        -- the referring field, e.g. "pool_ref"
    PRIMARY KEY (from_kind, from_name, to_kind, to_name, field),
    FOREIGN KEY (from_kind, from_name) REFERENCES objects (kind, name) ON DELETE CASCADE,
    FOREIGN KEY (to_kind, to_name) REFERENCES objects (kind, name) ON DELETE RESTRICT
);

CREATE INDEX refs_by_target ON refs (to_kind, to_name);

-- Listening sockets of virtual services; unique across all of them. East-west services listen on
-- every node and use the address '*'.
CREATE TABLE listeners (
    address  TEXT     NOT NULL,
    port     INTEGER  NOT NULL,
    protocol SMALLINT NOT NULL,
    vs_kind  SMALLINT NOT NULL CHECK (vs_kind = 1),
    vs_name  TEXT     NOT NULL,
    PRIMARY KEY (address, port, protocol),
    FOREIGN KEY (vs_kind, vs_name) REFERENCES objects (kind, name) ON DELETE CASCADE
);

-- The change log Watch streams from; old entries are compacted away.
CREATE TABLE changes (
    revision    BIGINT      PRIMARY KEY,
    kind        SMALLINT    NOT NULL,
    name        TEXT        NOT NULL,
    change_type SMALLINT    NOT NULL,                   -- gatehouse.policy.v1.ChangeType number
    change_time TIMESTAMPTZ NOT NULL,
    object      BYTEA       NOT NULL                    -- PolicyObject after the change (last state if deleted)
);

-- The newest revision removed from `changes`; Watch cannot resume from before it.
CREATE TABLE history (
    singleton          BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    compacted_revision BIGINT  NOT NULL
);

INSERT INTO history (compacted_revision) VALUES (0);
