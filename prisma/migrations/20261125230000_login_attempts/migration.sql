-- Failed sign-ins, kept in PostgreSQL so that the rate limit holds across every server
-- instance sharing the database. A row is written when an attempt starts and deleted when
-- it succeeds, so what remains within the window are the failures (and attempts in flight).
-- Rows older than the window are pruned by the server.

CREATE TABLE login_attempts (
    login_attempt_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    username VARCHAR(50) NOT NULL,
    client_address VARCHAR(64),
    attempted_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_login_attempts_username ON login_attempts (username, attempted_at);
CREATE INDEX idx_login_attempts_client_address ON login_attempts (client_address, attempted_at);
CREATE INDEX idx_login_attempts_attempted_at ON login_attempts (attempted_at);
