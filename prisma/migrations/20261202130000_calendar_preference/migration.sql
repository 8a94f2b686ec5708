-- Which calendar a user reads dates in. Additive: existing accounts read Gregorian dates
-- until they choose, and the original Behflow backend never reads the column.

CREATE TYPE calendar_enum AS ENUM ('gregorian', 'jalali');

ALTER TABLE users
    ADD COLUMN calendar calendar_enum NOT NULL DEFAULT 'gregorian';
