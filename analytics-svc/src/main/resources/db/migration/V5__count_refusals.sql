-- What engines turned away: connections a network security policy denied, and requests and
-- connections the virtual service's rate limits refused.
ALTER TABLE rollup
    ADD COLUMN connections_denied bigint NOT NULL DEFAULT 0,
    ADD COLUMN rate_limited       bigint NOT NULL DEFAULT 0;
