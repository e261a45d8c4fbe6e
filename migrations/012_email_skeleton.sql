-- migrate: no-transaction
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction
-- What an address looks like: the TS #39 confusable skeleton of its canonical form
-- (domain.users.email_skeleton), so a look-alike of an account's address (Cyrillic 'а' for Latin 'a') cannot
-- open a second account. Computed by the application (Postgres has no confusables table): the migration
-- function fills it in for rows written before this migration (adapters/postgres/users.py).
-- Each statement on its own: the unique index is built without blocking sign-ups; rerunnable after a failure.
ALTER TABLE users ADD COLUMN IF NOT EXISTS email_skeleton text;
DROP INDEX CONCURRENTLY IF EXISTS users_email_skeleton_key;
CREATE UNIQUE INDEX CONCURRENTLY users_email_skeleton_key ON users (email_skeleton);
