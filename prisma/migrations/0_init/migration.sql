-- The Behflow schema as the original Behflow creates it (infra/migrations/000_init_database.sql).
-- A database that already has it is adopted by recording this migration as applied
-- (a baseline) instead of running it; see src/db/migrate.ts.

CREATE TYPE priority_enum AS ENUM ('low', 'medium', 'high');
CREATE TYPE status_enum AS ENUM ('pending', 'in_progress', 'completed', 'cancelled');
CREATE TYPE trigger_type_enum AS ENUM ('manual', 'time_based', 'event_based');
CREATE TYPE process_status_enum AS ENUM ('pending', 'running', 'completed', 'failed', 'disabled');

CREATE TABLE users (
    user_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    username VARCHAR(50) UNIQUE NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    name VARCHAR(100) NOT NULL,
    lastname VARCHAR(100) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    is_active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX idx_users_username ON users (username);
CREATE INDEX idx_users_is_active ON users (is_active);

CREATE TABLE tasks (
    task_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    due_date_gregorian TIMESTAMP WITH TIME ZONE,
    date_added_gregorian TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    due_date_jalali VARCHAR(50),
    date_added_jalali VARCHAR(50) NOT NULL,
    priority priority_enum NOT NULL DEFAULT 'medium',
    status status_enum NOT NULL DEFAULT 'pending',
    tags TEXT[],
    completed_at TIMESTAMP WITH TIME ZONE,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_tasks_user_id ON tasks (user_id);
CREATE INDEX idx_tasks_status ON tasks (status);
CREATE INDEX idx_tasks_due_date ON tasks (due_date_gregorian);

CREATE TABLE chat_sessions (
    session_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    title VARCHAR(255),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    is_active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX idx_chat_sessions_user_id ON chat_sessions (user_id);
CREATE INDEX idx_chat_sessions_is_active ON chat_sessions (is_active);

CREATE TABLE chat_messages (
    message_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id UUID NOT NULL REFERENCES chat_sessions (session_id) ON DELETE CASCADE,
    role VARCHAR(20) NOT NULL,
    content TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    tokens_used INTEGER
);
CREATE INDEX idx_chat_messages_session_id ON chat_messages (session_id);
CREATE INDEX idx_chat_messages_created_at ON chat_messages (created_at);

CREATE TABLE automated_processes (
    process_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) UNIQUE NOT NULL,
    description TEXT,
    trigger_type trigger_type_enum NOT NULL,
    schedule_config JSONB,
    process_config JSONB,
    is_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    last_executed_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX idx_automated_processes_name ON automated_processes (name);
CREATE INDEX idx_automated_processes_trigger_type ON automated_processes (trigger_type);
CREATE INDEX idx_automated_processes_is_enabled ON automated_processes (is_enabled);

CREATE TABLE automated_process_executions (
    execution_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    process_id UUID NOT NULL REFERENCES automated_processes (process_id) ON DELETE CASCADE,
    status process_status_enum NOT NULL DEFAULT 'pending',
    started_at TIMESTAMP WITH TIME ZONE,
    completed_at TIMESTAMP WITH TIME ZONE,
    result JSONB,
    error_message TEXT
);
CREATE INDEX idx_automated_process_executions_process_id ON automated_process_executions (process_id);
CREATE INDEX idx_automated_process_executions_started_at ON automated_process_executions (started_at DESC);
CREATE INDEX idx_automated_process_executions_status ON automated_process_executions (status);

CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER update_users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_tasks_updated_at BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_chat_sessions_updated_at BEFORE UPDATE ON chat_sessions
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_automated_processes_updated_at BEFORE UPDATE ON automated_processes
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

INSERT INTO automated_processes (name, description, trigger_type, schedule_config, process_config, is_enabled)
VALUES (
    'reschedule_remaining_tasks',
    'Reschedules incomplete tasks from previous days to the current day',
    'time_based',
    '{"hour": 7, "minute": 30, "timezone": "Asia/Tehran"}',
    '{"include_statuses": ["pending", "in_progress"], "update_to_today": true}',
    TRUE
)
ON CONFLICT (name) DO NOTHING;
