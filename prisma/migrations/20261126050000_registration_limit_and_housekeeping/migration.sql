-- Registrations are rate limited per client address with the same PostgreSQL-held sliding
-- window as sign-ins, so login_attempts now records which action an attempt was for. Existing
-- rows are failed sign-ins. The limits count per action, so the lookups lead with the action.

CREATE TYPE attempt_kind_enum AS ENUM ('login', 'register');

ALTER TABLE login_attempts ADD COLUMN kind attempt_kind_enum NOT NULL DEFAULT 'login';

DROP INDEX idx_login_attempts_username;
DROP INDEX idx_login_attempts_client_address;
CREATE INDEX idx_login_attempts_username ON login_attempts (kind, username, attempted_at);
CREATE INDEX idx_login_attempts_client_address ON login_attempts (kind, client_address, attempted_at);

-- Housekeeping deletes sessions that ended (revoked or expired) long ago; these keep that
-- periodic DELETE from scanning every session ever opened.
CREATE INDEX idx_auth_sessions_expires_at ON auth_sessions (expires_at);
CREATE INDEX idx_auth_sessions_revoked_at ON auth_sessions (revoked_at) WHERE revoked_at IS NOT NULL;
