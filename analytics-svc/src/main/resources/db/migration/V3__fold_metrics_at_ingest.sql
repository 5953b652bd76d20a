-- Metric batches are now folded into the rollups as they arrive and written in groups; they are no
-- longer stored whole for a roller to fold later. Batches that an earlier version acknowledged and
-- had not folded yet would be lost with the table, so the upgrade stops instead and says what to do.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pending_metrics) THEN
        RAISE EXCEPTION 'analytics.pending_metrics still holds metric batches that are not rolled up:'
            ' run the previous analytics-svc version until the table is empty, then upgrade';
    END IF;
END
$$;
DROP TABLE pending_metrics;

-- Rows are rewritten every second or so; their histograms are stored in the plain V2 encoding
-- (read without inflating), a few KiB a row. Below PostgreSQL's default 2 KiB target every such row
-- went through the toaster's compression on each write; keep rows up to a page inline instead.
ALTER TABLE rollup SET (toast_tuple_target = 8160);
