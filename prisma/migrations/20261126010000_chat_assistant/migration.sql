-- Chat assistant: what the assistant did for a reply (tool, arguments, outcome) and a
-- lease that lets one reply at a time run per session, across every server instance.
-- Additive and nullable: the original Behflow backend keeps working on the same tables.

ALTER TABLE chat_messages ADD COLUMN actions JSONB;

-- Set while an assistant reply is being produced; a reply whose instance died stops
-- holding the session once the lease has expired.
ALTER TABLE chat_sessions ADD COLUMN reply_lease_until TIMESTAMP WITH TIME ZONE;

-- Messages are read per session in chronological order (history windows, connections).
CREATE INDEX idx_chat_messages_session_id_created_at ON chat_messages (session_id, created_at);
