-- The service engine inventory: one row per engine the manager deployed or that connected to it.
CREATE TABLE service_engine (
    id                 text PRIMARY KEY,
    node_id            text        NOT NULL DEFAULT '',
    hostname           text        NOT NULL DEFAULT '',
    address            text        NOT NULL DEFAULT '',
    se_group           text        NOT NULL,
    deployment_method  text        NOT NULL,
    state              text        NOT NULL,
    version            text        NOT NULL DEFAULT '',
    connected_at       timestamptz,
    last_heartbeat_at  timestamptz,
    state_changed_at   timestamptz NOT NULL DEFAULT now(),
    revision           bigint      NOT NULL DEFAULT 1
);

CREATE INDEX service_engine_by_group ON service_engine (se_group, hostname, id);

-- What happened to engines (deployed, connected, lost, replaced, NACKs), newest last.
CREATE TABLE service_engine_event (
    id       bigserial   PRIMARY KEY,
    time     timestamptz NOT NULL DEFAULT now(),
    se_id    text        NOT NULL,
    type     text        NOT NULL,
    message  text        NOT NULL
);

CREATE INDEX service_engine_event_by_engine ON service_engine_event (se_id, id);
CREATE INDEX service_engine_event_by_time ON service_engine_event (time);
