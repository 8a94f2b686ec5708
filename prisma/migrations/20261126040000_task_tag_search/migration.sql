-- A search word matches a tag in any case and anywhere inside it ("hom" finds the tag
-- "Home"), as it already does in names and descriptions, and stays index-backed on large
-- task lists: a trigram index over the tags joined into one lower-case text answers
-- `behflow_task_tags_text(tags) LIKE '%word%'` for candidate rows, whose single tags are then
-- checked (joined text could only match across two tags through the separator, and search
-- words never contain a space).
--
-- An index expression must be IMMUTABLE. array_to_string is only STABLE because, for arrays
-- of other types, it calls the element type's output function, which may depend on settings
-- (a timestamp[] renders differently under another DateStyle or TimeZone). For text[] the
-- output of each element is the text itself, whatever the settings, and lower() is IMMUTABLE,
-- so this text[]-only wrapper really returns the same result for the same tags, always.
CREATE OR REPLACE FUNCTION behflow_task_tags_text(tags TEXT[])
RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT pg_catalog.lower(pg_catalog.array_to_string(tags, ' ')) $$;

CREATE INDEX idx_tasks_tags_text_trgm ON tasks USING gin (behflow_task_tags_text(tags) gin_trgm_ops);
