-- SSH key pairs of the SSH driver; private keys encrypted (AES-256-GCM, bound to the key's name).
CREATE TABLE ssh_key (
    name         text        PRIMARY KEY,
    public_key   text        NOT NULL,
    fingerprint  text        NOT NULL,
    private_key  bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Host keys pinned on first use, by "host:port".
CREATE TABLE ssh_known_host (
    host_port    text        PRIMARY KEY,
    public_key   text        NOT NULL,
    fingerprint  text        NOT NULL,
    pinned_at    timestamptz NOT NULL DEFAULT now()
);
