-- Task search stays fast on large task lists: trigram indexes answer the case-insensitive
-- substring matches (ILIKE '%word%') on name and description, and a GIN index on tags
-- answers whole-tag matches and the tag filters (&&, @>). pg_trgm is a trusted extension
-- (PostgreSQL 13+), so a database owner can create it without being a superuser.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX idx_tasks_name_trgm ON tasks USING gin (name gin_trgm_ops);
CREATE INDEX idx_tasks_description_trgm ON tasks USING gin (description gin_trgm_ops);
CREATE INDEX idx_tasks_tags ON tasks USING gin (tags);
