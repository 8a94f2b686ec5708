-- Accounts: a role and a time zone per user, and revocable sessions whose bearer
-- tokens are stored only as SHA-256 hashes. Additive: the original Behflow columns
-- are untouched, so the original backend can keep running on the same database.

CREATE TYPE user_role_enum AS ENUM ('user', 'admin');

ALTER TABLE users
    ADD COLUMN time_zone VARCHAR(64),
    ADD COLUMN role user_role_enum NOT NULL DEFAULT 'user';

CREATE TABLE auth_sessions (
    auth_session_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    token_hash CHAR(64) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    revoked_at TIMESTAMP WITH TIME ZONE,
    user_agent VARCHAR(512),
    CONSTRAINT auth_sessions_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX idx_auth_sessions_user_id ON auth_sessions (user_id);
