-- What an address looks like: the TS #39 confusable skeleton of its canonical form
-- (domain.users.email_skeleton), so a look-alike of an account's address (Cyrillic 'а' for Latin 'a') cannot
-- open a second account. Computed by the application (Postgres has no confusables table): the migration
-- function fills it in for rows written before this migration (adapters/postgres/users.py).
ALTER TABLE users ADD COLUMN email_skeleton text;
CREATE UNIQUE INDEX users_email_skeleton_key ON users (email_skeleton);
