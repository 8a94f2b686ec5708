-- What an assistant reply leaves for the next message of its session: the question it asked
-- (which task? what name? when?) and the tasks it was about, so the answer ("the first one",
-- "yes") is understood by whichever instance reads it. Additive and nullable: the original
-- Behflow backend keeps working on the same table.

ALTER TABLE chat_messages ADD COLUMN assistant_state JSONB;
