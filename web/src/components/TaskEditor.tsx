import { Button, Group, Modal, SegmentedControl, Select, Stack, TagsInput, Text, TextInput, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CreateTaskDocument, UpdateTaskDocument, type TaskFieldsFragment, type TaskPriority, type TaskStatus } from '../gql/graphql';
import { convertDate, isValidDate, latinDigits, wallClock, type CalendarKind, type DateContext } from '../lib/dates';
import { describeError, type Problem } from '../lib/errors';
import { useDateContext } from '../lib/hooks';
import { useT } from '../lib/i18n';
import { ProblemAlert } from './ProblemAlert';

export const PRIORITIES: TaskPriority[] = ['HIGH', 'MEDIUM', 'LOW'];
export const STATUSES: TaskStatus[] = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'];

interface Draft {
  name: string;
  description: string;
  priority: TaskPriority;
  status: TaskStatus;
  tags: string[];
  calendar: CalendarKind;
  dueDate: string;
  dueTime: string;
}

function draftOf(task: TaskFieldsFragment | null, dates: DateContext): Draft {
  const due = task?.dueAt ? wallClock(task.dueAt, dates.timeZone, dates.calendar) : null;
  return {
    name: task?.name ?? '',
    description: task?.description ?? '',
    priority: task?.priority ?? 'MEDIUM',
    status: task?.status ?? 'PENDING',
    tags: task?.tags ?? [],
    calendar: dates.calendar,
    dueDate: due?.date ?? '',
    dueTime: due?.time ?? '',
  };
}

/** The due date as the API takes it: `dueAtJalali` or `dueDate`, a day alone meaning its end. */
function dueInput(draft: Draft): { dueAtJalali: string } | { dueDate: string } | null {
  const date = latinDigits(draft.dueDate.trim());
  if (!date) return null;
  const time = latinDigits(draft.dueTime.trim());
  const value = time ? `${date}T${time}` : date;
  return draft.calendar === 'JALALI' ? { dueAtJalali: value } : { dueDate: value };
}

/** Creates a task (no `task`) or edits one; whatever was typed stays when the server refuses it. */
export function TaskEditor({ task, opened, onClose }: { task: TaskFieldsFragment | null; opened: boolean; onClose: () => void }) {
  const t = useT();
  const dates = useDateContext();
  const [draft, setDraft] = useState<Draft>(() => draftOf(task, dates));
  const [problem, setProblem] = useState<Problem | null>(null);
  const [dateError, setDateError] = useState<string | null>(null);
  const [{ fetching: creating }, createTask] = useMutation(CreateTaskDocument);
  const [{ fetching: updating }, updateTask] = useMutation(UpdateTaskDocument);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));

  const switchCalendar = (calendar: CalendarKind) => {
    // The same day, written in the other calendar.
    const converted = draft.dueDate ? convertDate(draft.dueDate, draft.calendar, calendar) : '';
    setDraft((current) => ({ ...current, calendar, dueDate: converted ?? current.dueDate }));
  };

  const other: CalendarKind = draft.calendar === 'JALALI' ? 'GREGORIAN' : 'JALALI';
  const preview = draft.dueDate ? convertDate(draft.dueDate, draft.calendar, other) : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setDateError(null);
    if (draft.dueDate.trim() && !isValidDate(draft.dueDate, draft.calendar)) {
      setDateError(t('task.dateInvalid'));
      return;
    }
    const due = dueInput(draft);
    const common = {
      name: draft.name,
      description: draft.description.trim() ? draft.description : null,
      priority: draft.priority,
      status: draft.status,
      tags: draft.tags,
    };
    const result = task
      ? await updateTask({ input: { id: task.id, ...common, ...(due ?? (task.dueAt ? { dueAt: null } : {})) } })
      : await createTask({ input: { ...common, ...(due ?? {}) } });
    if (result.error) {
      setProblem(describeError(result.error, t));
      return;
    }
    onClose();
  };

  const fieldError = (name: string) => problem?.fields[name];
  return (
    <Modal opened={opened} onClose={onClose} title={task ? t('task.edit') : t('task.new')} size="lg">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack>
          <TextInput
            label={t('task.name')}
            required
            data-autofocus
            value={draft.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            error={fieldError('name')}
            maxLength={255}
          />
          <Textarea
            label={t('task.description')}
            rows={3}
            resize="vertical"
            value={draft.description}
            onChange={(e) => set('description', e.currentTarget.value)}
            error={fieldError('description')}
          />
          <Group grow align="flex-start">
            <Select
              label={t('task.priority')}
              value={draft.priority}
              allowDeselect={false}
              onChange={(value) => value && set('priority', value as TaskPriority)}
              data={PRIORITIES.map((value) => ({ value, label: t(`priority.${value}`) }))}
            />
            <Select
              label={t('task.status')}
              value={draft.status}
              allowDeselect={false}
              onChange={(value) => value && set('status', value as TaskStatus)}
              data={STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))}
            />
          </Group>
          <TagsInput
            label={t('task.tags')}
            description={t('task.tagsHint')}
            value={draft.tags}
            onChange={(tags) => set('tags', tags)}
            error={fieldError('tags')}
            clearable
          />
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <Group justify="space-between" mb={4}>
              <Text component="legend" size="sm" fw={500}>
                {t('task.due')}
              </Text>
              <SegmentedControl
                size="xs"
                aria-label={t('task.dueCalendar')}
                value={draft.calendar}
                onChange={(value) => switchCalendar(value as CalendarKind)}
                data={[
                  { value: 'JALALI', label: t('calendar.JALALI') },
                  { value: 'GREGORIAN', label: t('calendar.GREGORIAN') },
                ]}
              />
            </Group>
            <Group grow align="flex-start">
              {draft.calendar === 'GREGORIAN' ? (
                <TextInput
                  type="date"
                  label={t('task.dueDate')}
                  value={draft.dueDate}
                  onChange={(e) => set('dueDate', e.currentTarget.value)}
                  error={dateError ?? fieldError('dueDate')}
                />
              ) : (
                <TextInput
                  label={t('task.dueDate')}
                  placeholder="1404-09-27"
                  description={t('task.jalaliHint')}
                  inputMode="numeric"
                  dir="ltr"
                  value={draft.dueDate}
                  onChange={(e) => set('dueDate', e.currentTarget.value)}
                  error={dateError ?? fieldError('dueAtJalali')}
                />
              )}
              <TextInput
                type="time"
                label={t('task.dueTime')}
                description={t('task.dueTimeHint')}
                value={draft.dueTime}
                onChange={(e) => set('dueTime', e.currentTarget.value)}
              />
            </Group>
            {preview ? (
              <Text size="xs" c="dimmed" mt={4} data-testid="due-preview">
                {t('task.dueIn', { calendar: t(`calendar.${other}`), date: preview })}
              </Text>
            ) : null}
            {draft.dueDate ? (
              <Button
                variant="subtle"
                size="compact-xs"
                mt={4}
                onClick={() => setDraft((current) => ({ ...current, dueDate: '', dueTime: '' }))}
              >
                {t('task.clearDue')}
              </Button>
            ) : null}
          </fieldset>
          <ProblemAlert problem={problem} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={creating || updating}>
              {task ? t('common.save') : t('task.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
