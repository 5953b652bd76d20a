-- An engine's load as its last heartbeat carried it (control.proto LoadFigures), so that every
-- replica answers it, whichever holds the engine's stream.
ALTER TABLE service_engine
  ADD COLUMN open_connections bigint NOT NULL DEFAULT 0,
  ADD COLUMN requests_per_second double precision NOT NULL DEFAULT 0,
  ADD COLUMN cpu_used double precision NOT NULL DEFAULT 0,
  ADD COLUMN resident_memory_bytes bigint NOT NULL DEFAULT 0,
  ADD COLUMN analytics_dropped bigint NOT NULL DEFAULT 0;
