-- Recurring tasks work out of the box: completing a task tagged #daily, #weekly or #monthly
-- creates its next occurrence. Like the default reschedule process, the row is added only
-- if absent, and an administrator may disable, reconfigure or delete it.
INSERT INTO automated_processes (name, description, trigger_type, schedule_config, process_config, is_enabled)
VALUES (
    'repeat_recurring_tasks',
    'Completing a task tagged #daily, #weekly or #monthly creates its next occurrence, due one period later.',
    'event_based',
    '{"events": ["COMPLETED"]}',
    '{}',
    TRUE
)
ON CONFLICT (name) DO NOTHING;
