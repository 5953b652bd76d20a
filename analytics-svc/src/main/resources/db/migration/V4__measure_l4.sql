-- L4 virtual services: the time to connect to the member, per rollup, and what an L4 client log is
-- of (a TCP connection or a UDP session) and how it ended. HTTP rows keep the defaults.
ALTER TABLE rollup ADD COLUMN member_connect bytea;
ALTER TABLE client_log
    ADD COLUMN member_connect_us bigint   NOT NULL DEFAULT 0,
    ADD COLUMN l4_protocol       smallint NOT NULL DEFAULT 0,
    ADD COLUMN connection_end    smallint NOT NULL DEFAULT 0;
