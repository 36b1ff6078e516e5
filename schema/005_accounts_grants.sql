-- 005_accounts_grants.sql — what each pool's role may do with the account tables.
-- The shop pool serves customers their own data, so it reads and writes their rows;
-- it never sees staff accounts. Cron (mail send, purge) touches only what its jobs need.
GRANT SELECT, INSERT, UPDATE ON customers TO ditto_web_role;
GRANT SELECT, INSERT ON customer_status_history TO ditto_web_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON customer_addresses TO ditto_web_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON customer_interests TO ditto_web_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO ditto_web_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO ditto_web_role;
GRANT SELECT, INSERT ON lockouts TO ditto_web_role;
GRANT SELECT, INSERT, UPDATE ON email_verifications TO ditto_web_role;
GRANT SELECT (id, customer_id, kind, recipient, subject, created_at, sent_at), INSERT ON outbox TO ditto_web_role;

GRANT SELECT, UPDATE ON outbox TO ditto_cron_role;
GRANT SELECT (id, email, status) ON customers TO ditto_cron_role;
GRANT SELECT, DELETE ON sessions TO ditto_cron_role;
GRANT SELECT, DELETE ON login_throttle TO ditto_cron_role;
