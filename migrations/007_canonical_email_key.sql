-- One spelling of each address for every comparison: the application's canonical form (NFKC, then Unicode
-- case folding; domain.users.canonical_email). Postgres's lower() folds case differently from Python's
-- (U+0130 'İ'), so the application computes the key and the schema only stores and indexes it. Rows written
-- without one (existing rows, bulk loads) get the closest SQL equivalent.
ALTER TABLE users ADD COLUMN email_key text;
UPDATE users SET email_key = lower(normalize(email, NFKC));
ALTER TABLE users ALTER COLUMN email_key SET NOT NULL;
CREATE UNIQUE INDEX users_email_key_key ON users (email_key);
DROP INDEX users_email_lower_key;

CREATE FUNCTION users_default_email_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.email_key := COALESCE(NEW.email_key, lower(normalize(NEW.email, NFKC)));
    RETURN NEW;
END $$;
CREATE TRIGGER users_default_email_key BEFORE INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION users_default_email_key();
