-- Tag filters (`tagsAny`, `tagsAll`) ignore case, as search does: `work` finds the tag `Work`.
-- Tags keep the case they were written in; the filters compare lower-cased tags, through an
-- index over them. For text[] the lower-casing depends on nothing but the text (see
-- behflow_task_tags_text), so the function is IMMUTABLE and can back an index.
CREATE OR REPLACE FUNCTION behflow_task_tags_lower(tags TEXT[])
RETURNS TEXT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY(SELECT pg_catalog.lower(tag) FROM pg_catalog.unnest(tags) AS tag) $$;

CREATE INDEX idx_tasks_tags_lower ON tasks USING gin (behflow_task_tags_lower(tags));
