-- The account lifecycle (docs/accounts.md): verified emails, one-time tokens, token families that can all be
-- revoked, consecutive failed logins, and the usage billing keeps of deleted accounts.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
ALTER TABLE users ADD COLUMN failed_logins bigint NOT NULL DEFAULT 0 CHECK (failed_logins >= 0);

-- Email verification, password reset and sign-in codes. Only the SHA-256 of a token is stored; each is tied to
-- the password it was issued under (`password_fingerprint`, the SHA-256 of the hash then), single use.
CREATE TABLE account_tokens (
    token_hash           text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    user_id              uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    purpose              text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset', 'login_code')),
    password_fingerprint text NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    expires_at           timestamptz NOT NULL,
    used_at              timestamptz
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id);

-- Every token family started at login, so a password change or reset can revoke them all.
CREATE TABLE token_families (
    family_id  uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    started_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX token_families_user_idx ON token_families (user_id);

-- The reasons a family is revoked, widened: the new check replaces the old one in this same transaction, and
-- NOT VALID skips a scan that could only pass (every row met the narrower check); new rows are checked.
-- squawk-ignore ban-drop-constraint
ALTER TABLE revoked_token_families DROP CONSTRAINT revoked_token_families_reason_check;
ALTER TABLE revoked_token_families ADD CONSTRAINT revoked_token_families_reason_check
    CHECK (reason IN ('logout', 'reuse', 'password_change', 'password_reset')) NOT VALID;

-- What billing keeps of a deleted account: seconds called per UTC day, with no user, number or email.
CREATE TABLE deleted_account_usage (
    day     date NOT NULL,
    seconds bigint NOT NULL CHECK (seconds >= 0)
);
