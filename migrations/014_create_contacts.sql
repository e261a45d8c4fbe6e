-- Names for numbers, per user. One contact per number and user (history shows that name beside the number);
-- names need not be unique. `name_key` is the application's search form of the name (NFKC, case-folded:
-- domain.contacts.name_key), as users.email_key is of an address. Deleting a user deletes their contacts.
CREATE TABLE contacts (
    contact_id   uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    name_key     text NOT NULL CHECK (name_key <> ''),
    phone_number text NOT NULL CHECK (phone_number ~ '^\+[1-9][0-9]{7,14}$'),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT contacts_updated_after_created CHECK (updated_at >= created_at)
);

-- One contact per number and user; also how history finds the name of each row's number.
CREATE UNIQUE INDEX contacts_user_phone_key ON contacts (user_id, phone_number);
