-- Batches already stored, by engine: a resent batch is acknowledged as a duplicate, never counted
-- twice. Kept a day (engines resend within minutes).
CREATE TABLE ingested_batch (
    se_id        text        NOT NULL,
    kind         char(1)     NOT NULL,              -- 'm' metrics, 'l' client logs
    batch_id     bigint      NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (se_id, kind, batch_id)
);
CREATE INDEX ingested_batch_by_age ON ingested_batch (received_at);

-- Metric batches stored durably (acknowledged) but not yet rolled up: the roller folds them into
-- the rollups and deletes them in one transaction.
CREATE TABLE pending_metrics (
    id          bigserial   PRIMARY KEY,
    se_id       text        NOT NULL,
    payload     bytea       NOT NULL                -- a gatehouse.analytics.v1.MetricBatch
);

-- Rollups per level (5, 60, 3600, 86400 seconds) and subject: a virtual service ('v'), a pool
-- member ('m', subject "pool/endpoint") or an engine ('e'). Counters add up, open connections are
-- kept as connection-seconds (so any step averages them), healthy members as the lowest seen, and
-- timing histograms (HdrHistogram, compressed) merge, so percentiles over any range are exact to
-- the histograms' precision.
CREATE TABLE rollup (
    level                   integer     NOT NULL,
    kind                    char(1)     NOT NULL,
    subject                 text        NOT NULL,
    bucket                  timestamptz NOT NULL,
    virtual_service         text        NOT NULL DEFAULT '',
    app_id                  text        NOT NULL DEFAULT '',
    address                 text        NOT NULL DEFAULT '',
    requests                bigint      NOT NULL DEFAULT 0,
    responses_1xx           bigint      NOT NULL DEFAULT 0,
    responses_2xx           bigint      NOT NULL DEFAULT 0,
    responses_3xx           bigint      NOT NULL DEFAULT 0,
    responses_4xx           bigint      NOT NULL DEFAULT 0,
    responses_5xx           bigint      NOT NULL DEFAULT 0,
    connect_errors          bigint      NOT NULL DEFAULT 0,
    bytes_in                bigint      NOT NULL DEFAULT 0,
    bytes_out               bigint      NOT NULL DEFAULT 0,
    connections_opened      bigint      NOT NULL DEFAULT 0,
    connections_closed      bigint      NOT NULL DEFAULT 0,
    connection_seconds      double precision NOT NULL DEFAULT 0,
    healthy_members         integer,
    client_rtt              bytea,
    server_rtt              bytea,
    app_response            bytea,
    data_transfer           bytea,
    total                   bytea,
    PRIMARY KEY (level, kind, subject, bucket)
);
CREATE INDEX rollup_by_time ON rollup (level, bucket);

-- Client logs, one partition per day; retention drops whole partitions.
CREATE TABLE client_log (
    seq               bigserial,
    time              timestamptz NOT NULL,
    virtual_service   text        NOT NULL,
    pool              text        NOT NULL,
    endpoint_id       text        NOT NULL,
    server_address    text        NOT NULL,
    app_id            text        NOT NULL,
    client_ip         inet,
    client_port       integer     NOT NULL,
    method            text        NOT NULL,
    uri_path          text        NOT NULL,
    uri_query         text        NOT NULL,
    host              text        NOT NULL,
    user_agent        text        NOT NULL,
    status            integer     NOT NULL,
    bytes_in          bigint      NOT NULL,
    bytes_out         bigint      NOT NULL,
    client_rtt_us     bigint      NOT NULL,
    server_rtt_us     bigint      NOT NULL,
    app_response_us   bigint      NOT NULL,
    data_transfer_us  bigint      NOT NULL,
    total_us          bigint      NOT NULL,
    significance      smallint    NOT NULL,
    se_id             text        NOT NULL,
    request_id        text        NOT NULL
) PARTITION BY RANGE (time);
CREATE INDEX client_log_by_service ON client_log (virtual_service, time DESC, seq DESC);
