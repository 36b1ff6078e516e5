-- 033_traffic_fingerprint.sql — `dittoctl traffic ingest`: a fingerprint of where each log
-- stands, and per-visit aggregates kept by adding and taking away.
--
-- head_hash is a hash (BLAKE2b, 16 bytes, hex) of the log's first 64 bytes (fewer when the
-- offset is smaller) and tail_hash one of the 64 bytes just before log_offset, both as they
-- were when the position was committed; '' when nothing was read.  A log with the same inode
-- whose bytes there no longer match was truncated (copytruncate) and has grown again: the
-- ingest starts it again at the top instead of skipping its new start.
ALTER TABLE traffic_sources
	ADD COLUMN IF NOT EXISTS head_hash CHAR(32) CHARACTER SET ascii NOT NULL DEFAULT '' AFTER log_offset,
	ADD COLUMN IF NOT EXISTS tail_hash CHAR(32) CHARACTER SET ascii NOT NULL DEFAULT '' AFTER head_hash;

-- A visit that goes on moves its exit page and click bucket: the ingest adds one to the new
-- value and takes one from the old, in one multi-row statement, so a batch's change of a
-- count may be negative (the stored count never goes below 0; rows that reach 0 are deleted).
ALTER TABLE traffic_daily MODIFY n BIGINT NOT NULL;

-- Nothing reads visits by day any more (the day's per-visit metrics were recomputed from it):
-- one index fewer to keep up on every visit written.  A cookie's visit is found as the one it
-- began last (the highest id; InnoDB keeps the id in every secondary index, so (visit_ref)
-- is ordered by it).
ALTER TABLE traffic_visits
	DROP INDEX IF EXISTS ix_traffic_visits_day,
	DROP INDEX IF EXISTS ix_traffic_visits_ref,
	ADD INDEX IF NOT EXISTS ix_traffic_visits_ref_id (visit_ref);
