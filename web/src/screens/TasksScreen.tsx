import { Button, Chip, Group, Loader, Modal, MultiSelect, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ProblemAlert } from '../components/ProblemAlert';
import { PRIORITIES, STATUSES, TaskEditor } from '../components/TaskEditor';
import { PRIORITY_COLOR, QuickAdd, TaskRow } from '../components/TaskRow';
import {
  DeleteTaskDocument,
  TaskChangesDocument,
  TaskListDocument,
  TaskOverviewDocument,
  type OrderDirection,
  type TaskFieldsFragment,
  type TaskOrderField,
  type TaskPriority,
  type TaskStatus,
} from '../gql/graphql';
import { PAGE_SIZES } from '../graphql/usage';
import { useResync } from '../lib/api';
import { describeError, type Problem } from '../lib/errors';
import { useCoalesced, useLiveEvents } from '../lib/hooks';
import { useT } from '../lib/i18n';

const ORDERS = ['CREATED_AT:DESC', 'DUE_AT:ASC', 'PRIORITY:DESC', 'NAME:ASC', 'UPDATED_AT:DESC'] as const;
type Order = (typeof ORDERS)[number];

type Page = { after: string } | { before: string } | null;

export function TasksScreen() {
  const t = useT();
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [statuses, setStatuses] = useState<string[]>([]);
  const [priorities, setPriorities] = useState<string[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  const [order, setOrder] = useState<Order>('CREATED_AT:DESC');
  const [page, setPage] = useState<Page>(null);
  const [pageNumber, setPageNumber] = useState(1);
  const [editing, setEditing] = useState<TaskFieldsFragment | 'new' | null>(null);
  const [deleting, setDeleting] = useState<TaskFieldsFragment | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [{ fetching: deletingNow }, deleteTask] = useMutation(DeleteTaskDocument);

  const filter = useMemo(
    () => ({
      ...(statuses.length ? { statuses: statuses as TaskStatus[] } : {}),
      ...(priorities.length ? { priorities: priorities as TaskPriority[] } : {}),
      ...(tags.length ? { tagsAll: tags } : {}),
      ...(debouncedSearch ? { search: debouncedSearch } : {}),
    }),
    [statuses, priorities, tags, debouncedSearch],
  );
  const [field, direction] = order.split(':') as [TaskOrderField, OrderDirection];
  const variables = {
    filter,
    orderBy: [{ field, direction }],
    ...(page && 'before' in page
      ? { last: PAGE_SIZES.tasks, before: page.before }
      : { first: PAGE_SIZES.tasks, after: page?.after ?? null }),
  };
  const [list, refetchList] = useQuery({ query: TaskListDocument, variables });
  const [overview, refetchOverview] = useQuery({ query: TaskOverviewDocument });

  // Any change to the viewer's tasks, from this tab, another one, the assistant or a
  // process: refetch what is shown (the filter and order decide where a task belongs).
  const refresh = useCoalesced(() => {
    refetchList({ requestPolicy: 'network-only' });
    refetchOverview({ requestPolicy: 'network-only' });
  });
  useLiveEvents(TaskChangesDocument, {}, refresh);
  useResync(refresh);

  const resetPage = () => {
    setPage(null);
    setPageNumber(1);
  };
  const connection = list.data?.tasks;
  const stats = overview.data?.taskStats;
  const firstIndex = (pageNumber - 1) * PAGE_SIZES.tasks + 1;

  const confirmDelete = async () => {
    if (!deleting) return;
    setProblem(null);
    const result = await deleteTask({ id: deleting.id });
    if (result.error) setProblem(describeError(result.error, t));
    setDeleting(null);
  };

  return (
    <Stack maw={960} mx="auto">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t('nav.tasks')}</Title>
        <Button onClick={() => setEditing('new')}>{t('task.new')}</Button>
      </Group>
      {stats ? (
        <SimpleGrid cols={{ base: 3 }} spacing="xs" aria-label={t('tasks.summary')} data-testid="task-stats">
          <Paper withBorder p="xs">
            <Text size="xs" c="dimmed">
              {t('tasks.total')}
            </Text>
            <Text fw={700}>{t('common.number', { n: stats.total })}</Text>
          </Paper>
          <Paper withBorder p="xs">
            <Text size="xs" c="dimmed">
              {t('tasks.dueToday')}
            </Text>
            <Text fw={700}>{t('common.number', { n: stats.dueToday })}</Text>
          </Paper>
          <Paper withBorder p="xs">
            <Text size="xs" c="dimmed">
              {t('tasks.overdue')}
            </Text>
            <Text fw={700} c={stats.overdue ? 'red' : undefined}>
              {t('common.number', { n: stats.overdue })}
            </Text>
          </Paper>
        </SimpleGrid>
      ) : null}
      <QuickAdd onProblem={setProblem} />
      <Paper withBorder p="sm" component="section" aria-label={t('tasks.filters')}>
        <Stack gap="xs">
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
            <TextInput
              label={t('tasks.search')}
              type="search"
              value={search}
              onChange={(e) => {
                setSearch(e.currentTarget.value);
                resetPage();
              }}
            />
            <MultiSelect
              label={t('task.tags')}
              placeholder={tags.length ? undefined : t('tasks.anyTag')}
              searchable
              clearable
              value={tags}
              onChange={(value) => {
                setTags(value);
                resetPage();
              }}
              data={(overview.data?.tags ?? []).map((tag) => ({ value: tag.name, label: `#${tag.name} (${tag.count})` }))}
            />
            <Select
              label={t('tasks.order')}
              value={order}
              allowDeselect={false}
              onChange={(value) => {
                if (value) setOrder(value as Order);
                resetPage();
              }}
              data={ORDERS.map((value) => ({ value, label: t(`order.${value}`) }))}
            />
          </SimpleGrid>
          <Group gap="md" align="center">
            <Chip.Group
              multiple
              value={statuses}
              onChange={(value) => {
                setStatuses(value);
                resetPage();
              }}
            >
              <Group gap={6} role="group" aria-label={t('task.status')}>
                {STATUSES.map((status) => (
                  <Chip key={status} value={status} size="xs">
                    {t(`status.${status}`)}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
            <Chip.Group
              multiple
              value={priorities}
              onChange={(value) => {
                setPriorities(value);
                resetPage();
              }}
            >
              <Group gap={6} role="group" aria-label={t('task.priority')}>
                {PRIORITIES.map((priority) => (
                  <Chip key={priority} value={priority} size="xs" color={PRIORITY_COLOR[priority]}>
                    {t(`priority.${priority}`)}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </Group>
        </Stack>
      </Paper>
      <ProblemAlert
        problem={problem ?? (list.error ? describeError(list.error, t) : null)}
        onClose={problem ? () => setProblem(null) : undefined}
      />
      {connection ? (
        <>
          <Group justify="space-between">
            <Text size="sm" c="dimmed" role="status" data-testid="task-count">
              {connection.totalCount === 0
                ? t('tasks.none')
                : t('tasks.range', { from: firstIndex, to: firstIndex + connection.edges.length - 1, total: connection.totalCount })}
            </Text>
            {list.fetching ? <Loader size="xs" aria-label={t('app.loading')} /> : null}
          </Group>
          <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: 'none' }} aria-label={t('nav.tasks')}>
            {connection.edges.map(({ node }) => (
              <TaskRow
                key={node.id}
                task={node}
                onEdit={() => setEditing(node)}
                onDelete={() => setDeleting(node)}
                onProblem={setProblem}
              />
            ))}
          </Stack>
          <Group justify="center">
            <Button
              variant="default"
              disabled={pageNumber === 1}
              onClick={() => {
                setPage({ before: connection.pageInfo.startCursor! });
                setPageNumber((n) => Math.max(1, n - 1));
              }}
            >
              {t('common.previous')}
            </Button>
            <Button
              variant="default"
              disabled={!connection.pageInfo.hasNextPage}
              onClick={() => {
                setPage({ after: connection.pageInfo.endCursor! });
                setPageNumber((n) => n + 1);
              }}
            >
              {t('common.next')}
            </Button>
          </Group>
        </>
      ) : list.fetching ? (
        <Loader aria-label={t('app.loading')} />
      ) : null}
      {editing ? (
        <TaskEditor
          key={editing === 'new' ? 'new' : editing.id}
          task={editing === 'new' ? null : editing}
          opened
          onClose={() => setEditing(null)}
        />
      ) : null}
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title={t('tasks.deleteTitle')}>
        <Text mb="md" dir="auto">
          {t('tasks.deleteConfirm', { name: deleting?.name ?? '' })}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setDeleting(null)}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={deletingNow} onClick={() => void confirmDelete()}>
            {t('common.delete')}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}
