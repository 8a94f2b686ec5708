-- Automated processes: what started each execution, the slot a scheduled run belongs to
-- (unique per process, so a slot runs once however many instances fire it), a lease the
-- running instance renews (an expired lease means its instance is gone), and when the
-- execution was queued (newest-first history, also for runs that never started).
-- Additive only: the original backend keeps working on the same database.

CREATE TYPE execution_trigger_enum AS ENUM ('manual', 'schedule', 'event');

ALTER TABLE automated_process_executions
    ADD COLUMN triggered_by execution_trigger_enum,
    ADD COLUMN scheduled_for TIMESTAMP WITH TIME ZONE,
    ADD COLUMN lease_expires_at TIMESTAMP WITH TIME ZONE,
    ADD COLUMN created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW();

-- Rows written by the original backend: their best "queued at" is when they started.
UPDATE automated_process_executions SET created_at = started_at WHERE started_at IS NOT NULL;

CREATE UNIQUE INDEX automated_process_executions_slot_key
    ON automated_process_executions (process_id, scheduled_for);
CREATE INDEX idx_automated_process_executions_created_at
    ON automated_process_executions (process_id, created_at DESC);

-- The Persian (Solar Hijri) calendar rendering `YYYY-MM-DDTHH:MM:SS` of an instant in a
-- time zone, as the tasks' Jalali columns store it. In SQL so that set-based updates can
-- keep those columns in sync without a round trip per row. Arithmetic 33-year-cycle
-- conversion, exact for the years 1178-1633 of the Persian calendar.
CREATE OR REPLACE FUNCTION behflow_jalali(instant TIMESTAMP WITH TIME ZONE, zone TEXT)
RETURNS VARCHAR(50) AS $$
DECLARE
    local_time TIMESTAMP := instant AT TIME ZONE zone;
    gy INTEGER := EXTRACT(YEAR FROM local_time);
    gm INTEGER := EXTRACT(MONTH FROM local_time);
    gd INTEGER := EXTRACT(DAY FROM local_time);
    month_offsets INTEGER[] := ARRAY[0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    gy2 INTEGER;
    days INTEGER;
    jy INTEGER;
    jm INTEGER;
    jd INTEGER;
BEGIN
    IF instant IS NULL THEN
        RETURN NULL;
    END IF;
    gy2 := CASE WHEN gm > 2 THEN gy + 1 ELSE gy END;
    days := 355666 + 365 * gy + (gy2 + 3) / 4 - (gy2 + 99) / 100 + (gy2 + 399) / 400 + gd + month_offsets[gm];
    jy := -1595 + 33 * (days / 12053);
    days := days % 12053;
    jy := jy + 4 * (days / 1461);
    days := days % 1461;
    IF days > 365 THEN
        jy := jy + (days - 1) / 365;
        days := (days - 1) % 365;
    END IF;
    IF days < 186 THEN
        jm := 1 + days / 31;
        jd := 1 + days % 31;
    ELSE
        jm := 7 + (days - 186) / 30;
        jd := 1 + (days - 186) % 30;
    END IF;
    RETURN lpad(jy::TEXT, 4, '0') || '-' || lpad(jm::TEXT, 2, '0') || '-' || lpad(jd::TEXT, 2, '0')
        || 'T' || to_char(local_time, 'HH24:MI:SS');
END;
$$ LANGUAGE plpgsql STABLE PARALLEL SAFE;
