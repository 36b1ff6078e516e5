-- 006_catalog_indexes.sql — let the catalogue page read newest-first straight from an index.
-- Idempotent: MariaDB's ADD INDEX IF NOT EXISTS.
ALTER TABLE products ADD INDEX IF NOT EXISTS ix_products_active_id (active, id);
