-- Every decision of the autoscaler that led to an action or was held back, with its figures.
CREATE TABLE autoscale_decision (
    id                  bigserial   PRIMARY KEY,
    time                timestamptz NOT NULL DEFAULT now(),
    policy              text        NOT NULL,
    pool                text        NOT NULL,
    marathon_framework  text        NOT NULL,
    app_id              text        NOT NULL,
    action              text        NOT NULL,
    current_instances   integer     NOT NULL,
    target_instances    integer     NOT NULL,
    metric              text        NOT NULL,
    observed_value      double precision NOT NULL,
    threshold           double precision NOT NULL,
    dry_run             boolean     NOT NULL,
    deployment_id       text        NOT NULL DEFAULT '',
    message             text        NOT NULL DEFAULT ''
);
CREATE INDEX autoscale_decision_by_app ON autoscale_decision (app_id, id DESC);
