-- behflow_jalali's first comment (20261126020000_processes) claimed it exact for the Persian
-- years 1178-1633. Compared day by day with the server's converter (ICU's Persian calendar,
-- which writes the tasks' Jalali columns), it agrees for local dates from 1700-01-01 up to
-- 2124-03-19 and first differs on 2124-03-20 (Nowruz 1503), after which its 33-year cycle
-- and ICU drift apart on some days. Its one caller renders "today", so the range is ample;
-- this states it where the function is looked up.
COMMENT ON FUNCTION behflow_jalali(TIMESTAMP WITH TIME ZONE, TEXT) IS
    'Persian (Jalali) rendering YYYY-MM-DDTHH:MM:SS of an instant in a time zone, as the tasks'' Jalali columns store it. Agrees with the server''s (ICU) converter for local dates 1700-01-01 to 2124-03-19 only; from 2124-03-20 (Nowruz 1503) on it may be a day off.';
