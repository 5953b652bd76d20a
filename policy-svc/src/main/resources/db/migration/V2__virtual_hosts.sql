-- The (parent, host name, path prefix) each child virtual service claims on its parent's
-- listeners: one child per claim, so an app cannot take over another's host name.
CREATE TABLE virtual_hosts (
    parent      TEXT     NOT NULL,
    domain      TEXT     NOT NULL,
    path_prefix TEXT     NOT NULL,
    vs_kind     SMALLINT NOT NULL CHECK (vs_kind = 1),
    vs_name     TEXT     NOT NULL,
    PRIMARY KEY (parent, domain, path_prefix),
    FOREIGN KEY (vs_kind, vs_name) REFERENCES objects (kind, name) ON DELETE CASCADE
);

CREATE INDEX virtual_hosts_by_child ON virtual_hosts (vs_name);
