-- How discovery-svc fares with the cloud settings, as it last reported: kept beside the object,
-- since a report is not a change (it moves no revision and wakes no watch). It goes with its object.
CREATE TABLE cloud_status (
    kind   SMALLINT NOT NULL CHECK (kind = 9),  -- OBJECT_KIND_CLOUD
    name   TEXT     NOT NULL,
    body   BYTEA    NOT NULL,                   -- gatehouse.policy.v1.CloudStatus
    PRIMARY KEY (kind, name),
    FOREIGN KEY (kind, name) REFERENCES objects (kind, name) ON DELETE CASCADE
);
