-- Executions of automated processes: slots the scheduler decided not to run, and the
-- server instance behind each execution.
--
-- A skipped slot (a run of the process was still going, or the slot was missed while no
-- scheduler was up and the process's catch-up policy does not run it) is an execution row
-- whose status is the upstream 'disabled' ("not run") and whose skip_reason says why; the
-- GraphQL API shows it as SKIPPED. We do not add a 'skipped' value to process_status_enum,
-- although PostgreSQL would allow it: that type is the original backend's, which maps each
-- status to its own enumeration when it reads these rows, and a value it does not know
-- would make it fail on every history read that meets one. 'disabled' is a value it knows
-- and means what a skipped slot is to it: a run that did not happen. The check keeps a
-- skip reason on 'disabled' rows only.
--
-- instance_name is the configured BEHFLOW_INSTANCE_NAME (by default host:pid) of the
-- instance that recorded the execution and ran it; NULL for rows of the original backend.
-- Additive only: the original backend keeps working on the same database.

CREATE TYPE process_skip_reason_enum AS ENUM ('previous_run_active', 'missed');

ALTER TABLE automated_process_executions
    ADD COLUMN skip_reason process_skip_reason_enum,
    ADD COLUMN instance_name TEXT,
    ADD CONSTRAINT automated_process_executions_skip_is_not_run CHECK (skip_reason IS NULL OR status = 'disabled');
