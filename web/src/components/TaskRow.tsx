import { ActionIcon, Badge, Button, Card, Checkbox, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import {
  CompleteTaskDocument,
  CreateTaskDocument,
  ReopenTaskDocument,
  type TaskFieldsFragment,
  type TaskPriority,
  type TaskStatus,
} from '../gql/graphql';
import { formatDateTime } from '../lib/dates';
import { describeError, type Problem } from '../lib/errors';
import { useDateContext } from '../lib/hooks';
import { useT } from '../lib/i18n';

export const PRIORITY_COLOR: Record<TaskPriority, string> = { HIGH: 'red', MEDIUM: 'yellow', LOW: 'gray' };
const STATUS_COLOR: Record<TaskStatus, string> = { PENDING: 'blue', IN_PROGRESS: 'violet', COMPLETED: 'teal', CANCELLED: 'gray' };

/** One line to add a task by its name alone. */
export function QuickAdd({ onProblem }: { onProblem: (problem: Problem | null) => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [{ fetching }, createTask] = useMutation(CreateTaskDocument);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    onProblem(null);
    const result = await createTask({ input: { name } });
    if (result.error) onProblem(describeError(result.error, t));
    else setName('');
  };
  return (
    <form onSubmit={(event) => void submit(event)} style={{ flex: 1 }}>
      <Group gap="xs" wrap="nowrap">
        <TextInput
          style={{ flex: 1 }}
          aria-label={t('tasks.quickAdd')}
          placeholder={t('tasks.quickAdd')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          maxLength={255}
        />
        <Button type="submit" loading={fetching} variant="light">
          {t('task.add')}
        </Button>
      </Group>
    </form>
  );
}

/** A task in the list, with its check box (complete or reopen), edit and delete. */
export function TaskRow({
  task,
  onEdit,
  onDelete,
  onProblem,
}: {
  task: TaskFieldsFragment;
  onEdit: () => void;
  onDelete: () => void;
  onProblem: (problem: Problem | null) => void;
}) {
  const t = useT();
  const dates = useDateContext();
  const [{ fetching: completing }, complete] = useMutation(CompleteTaskDocument);
  const [{ fetching: reopening }, reopen] = useMutation(ReopenTaskDocument);
  const done = task.status === 'COMPLETED';
  const toggle = async () => {
    onProblem(null);
    const result = done ? await reopen({ id: task.id }) : await complete({ id: task.id });
    if (result.error) onProblem(describeError(result.error, t));
  };
  return (
    <Card withBorder padding="sm" className={done ? 'task-done' : undefined} data-testid="task" data-task-name={task.name} component="li">
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <Checkbox
          mt={3}
          checked={done}
          disabled={completing || reopening}
          onChange={() => void toggle()}
          aria-label={done ? t('tasks.reopen', { name: task.name }) : t('tasks.complete', { name: task.name })}
        />
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Text fw={600} className="task-name" dir="auto" style={{ overflowWrap: 'anywhere' }}>
            {task.name}
          </Text>
          {task.description ? (
            <Text size="sm" c="dimmed" lineClamp={2} dir="auto">
              {task.description}
            </Text>
          ) : null}
          <Group gap={6}>
            <Badge size="sm" variant="light" color={STATUS_COLOR[task.status]}>
              {t(`status.${task.status}`)}
            </Badge>
            <Badge size="sm" variant="outline" color={PRIORITY_COLOR[task.priority]}>
              {t(`priority.${task.priority}`)}
            </Badge>
            {task.tags.map((tag) => (
              <Badge key={tag} size="sm" variant="dot" color="gray" style={{ textTransform: 'none' }}>
                #{tag}
              </Badge>
            ))}
            {task.dueAt ? (
              <Text size="xs" c={task.isOverdue ? 'red' : 'dimmed'} data-testid="task-due">
                {task.isOverdue
                  ? t('tasks.overdueSince', { date: formatDateTime(task.dueAt, dates) })
                  : t('tasks.dueOn', { date: formatDateTime(task.dueAt, dates) })}
              </Text>
            ) : null}
          </Group>
        </Stack>
        <Group gap={4} wrap="nowrap">
          <Button size="compact-sm" variant="subtle" onClick={onEdit} aria-label={t('tasks.editNamed', { name: task.name })}>
            {t('common.edit')}
          </Button>
          <ActionIcon variant="subtle" color="red" onClick={onDelete} aria-label={t('tasks.deleteNamed', { name: task.name })}>
            <span aria-hidden="true">✕</span>
          </ActionIcon>
        </Group>
      </Group>
    </Card>
  );
}
