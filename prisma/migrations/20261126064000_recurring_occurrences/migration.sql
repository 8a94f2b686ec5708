-- repeat_recurring_tasks creates one next occurrence per completed occurrence of a
-- recurring task. A task completed, reopened by mistake and completed again (or completed
-- by two requests at once) is still the same occurrence: this row, unique per (task, its
-- due date at completion), is claimed before the next one is created, so a second claim
-- finds it and creates nothing. `-infinity` stands for a task without a due date.
-- Additive only: the original backend keeps working on the same database.

CREATE TABLE recurring_task_occurrences (
    completed_task_id UUID NOT NULL REFERENCES tasks(task_id) ON DELETE CASCADE,
    occurrence_due TIMESTAMP WITH TIME ZONE NOT NULL,
    next_task_id UUID REFERENCES tasks(task_id) ON DELETE SET NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (completed_task_id, occurrence_due)
);

-- Deleting a task looks up the occurrences that name it as their next one.
CREATE INDEX idx_recurring_task_occurrences_next_task_id ON recurring_task_occurrences (next_task_id);
