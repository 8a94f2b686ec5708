-- Idempotency keys of mutations (the `Idempotency-Key` header): the first outcome of a signed-in
-- user's request under a key, so a retry within the window (BEHFLOW_IDEMPOTENCY_WINDOW_HOURS) gets
-- that outcome instead of applying the mutation again, on any instance. A row without a
-- response is a request still running, or one whose outcome could not be recorded.
CREATE TABLE idempotency_keys (
    user_id      UUID NOT NULL,
    key          VARCHAR(255) NOT NULL,
    request_hash CHAR(64) NOT NULL,
    response     JSONB,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

CREATE INDEX idx_idempotency_keys_created_at ON idempotency_keys (created_at);
