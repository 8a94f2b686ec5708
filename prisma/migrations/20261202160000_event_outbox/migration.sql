-- Events are written with the change they report, in the same transaction: each event stream
-- (one user's tasks, one chat session's messages, the automated processes) numbers its events,
-- so instances deliver them in order, notice a gap and read what they missed, and a client
-- reconnecting with the last cursor it saw gets what it missed. The upsert of a stream's row
-- takes that row's lock until commit, so a stream's events commit in the order of their
-- sequence numbers. Old events are deleted after the retention period (BEHFLOW_EVENT_RETENTION_HOURS).
CREATE TABLE event_streams (
    stream   TEXT PRIMARY KEY,
    sequence BIGINT NOT NULL
);

CREATE TABLE stream_events (
    stream     TEXT NOT NULL,
    sequence   BIGINT NOT NULL,
    topic      TEXT NOT NULL,
    payload    JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, sequence)
);

CREATE INDEX idx_stream_events_created_at ON stream_events (created_at);
