import { Badge, Button, Card, Code, Group, Loader, Spoiler, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ProblemAlert } from '../components/ProblemAlert';
import {
  DisableProcessDocument,
  EnableProcessDocument,
  ExecutionListDocument,
  ExecutionUpdatesDocument,
  ProcessListDocument,
  RunProcessDocument,
  type ProcessExecutionStatus,
} from '../gql/graphql';
import { PAGE_SIZES } from '../graphql/usage';
import { useResync, useSession } from '../lib/api';
import { formatDateTime } from '../lib/dates';
import { describeError, type Problem } from '../lib/errors';
import { useCoalesced, useDateContext, useLiveEvents } from '../lib/hooks';
import { useT } from '../lib/i18n';

const EXECUTION_COLOR: Record<ProcessExecutionStatus, string> = {
  PENDING: 'gray',
  RUNNING: 'blue',
  COMPLETED: 'teal',
  FAILED: 'red',
  DISABLED: 'gray',
  SKIPPED: 'yellow',
};

export function ExecutionBadge({ status }: { status: ProcessExecutionStatus }) {
  const t = useT();
  return (
    <Badge size="sm" variant="light" color={EXECUTION_COLOR[status]} data-testid="execution-status" data-status={status}>
      {t(`execution.${status}`)}
    </Badge>
  );
}

export function ProcessesScreen() {
  const t = useT();
  const dates = useDateContext();
  const { viewer } = useSession();
  const [processes, refetchProcesses] = useQuery({ query: ProcessListDocument, variables: { first: PAGE_SIZES.processes } });
  const [executions, refetchExecutions] = useQuery({
    query: ExecutionListDocument,
    variables: { filter: null, first: PAGE_SIZES.executions, after: null },
  });
  const [, enable] = useMutation(EnableProcessDocument);
  const [, disable] = useMutation(DisableProcessDocument);
  const [, run] = useMutation(RunProcessDocument);
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const refresh = useCoalesced(() => {
    refetchExecutions({ requestPolicy: 'network-only' });
    refetchProcesses({ requestPolicy: 'network-only' });
  }, 100);
  useLiveEvents(ExecutionUpdatesDocument, viewer?.role === 'ADMIN' ? {} : null, refresh);
  useResync(refresh);

  if (viewer?.role !== 'ADMIN') return <Text>{t('processes.adminsOnly')}</Text>;

  const act = async (id: string, action: () => Promise<{ error?: Parameters<typeof describeError>[0] }>) => {
    setBusy(id);
    setProblem(null);
    const result = await action();
    setBusy(null);
    if (result.error) setProblem(describeError(result.error, t));
    else refresh();
  };

  return (
    <Stack maw={1100} mx="auto">
      <Title order={2}>{t('nav.processes')}</Title>
      <ProblemAlert
        problem={problem ?? (processes.error ? describeError(processes.error, t) : null)}
        onClose={problem ? () => setProblem(null) : undefined}
      />
      {processes.data ? (
        <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label={t('nav.processes')}>
          {processes.data.automatedProcesses.edges.map(({ node }) => (
            <Card key={node.id} withBorder component="li" data-testid="process" data-process-name={node.name}>
              <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
                <Stack gap={4} style={{ flex: 1, minWidth: 220 }}>
                  <Group gap="xs">
                    <Text fw={700} ff="monospace" dir="ltr">
                      {node.name}
                    </Text>
                    <Badge size="xs" variant="outline">
                      {t(`trigger.${node.triggerType}`)}
                    </Badge>
                  </Group>
                  {node.description ? (
                    <Text size="sm" c="dimmed">
                      {node.description}
                    </Text>
                  ) : null}
                  <Text size="xs" c="dimmed">
                    {node.schedule ? t('processes.schedule', { expression: node.schedule.expression, zone: node.schedule.timeZone }) : null}
                    {node.events.length
                      ? t('processes.events', { events: node.events.map((event) => t(`taskEvent.${event}`)).join(', ') })
                      : null}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {node.nextRunAt ? t('processes.nextRun', { date: formatDateTime(node.nextRunAt, dates) }) : t('processes.noNextRun')}
                  </Text>
                  {node.lastExecution ? (
                    <Group gap={6}>
                      <Text size="xs" c="dimmed">
                        {t('processes.lastRun')}
                      </Text>
                      <ExecutionBadge status={node.lastExecution.status} />
                      {node.lastExecution.completedAt ? (
                        <Text size="xs" c="dimmed">
                          {formatDateTime(node.lastExecution.completedAt, dates)}
                        </Text>
                      ) : null}
                    </Group>
                  ) : null}
                </Stack>
                <Group gap="sm">
                  <Switch
                    label={t('processes.enabled')}
                    aria-label={t('processes.enabledNamed', { name: node.name })}
                    checked={node.isEnabled}
                    disabled={busy === node.id}
                    onChange={(event) => {
                      const on = event.currentTarget.checked;
                      void act(node.id, () => (on ? enable({ id: node.id }) : disable({ id: node.id })));
                    }}
                  />
                  <Button
                    size="xs"
                    loading={busy === `run:${node.id}`}
                    onClick={() => void act(`run:${node.id}`, () => run({ id: node.id }))}
                    aria-label={t('processes.runNamed', { name: node.name })}
                  >
                    {t('processes.run')}
                  </Button>
                </Group>
              </Group>
            </Card>
          ))}
        </Stack>
      ) : processes.fetching ? (
        <Loader aria-label={t('app.loading')} />
      ) : null}
      <Title order={3} size="h4">
        {t('processes.executions')}
      </Title>
      {executions.data ? (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover aria-label={t('processes.executions')} data-testid="executions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('processes.process')}</Table.Th>
                <Table.Th>{t('processes.status')}</Table.Th>
                <Table.Th>{t('processes.trigger')}</Table.Th>
                <Table.Th>{t('processes.queued')}</Table.Th>
                <Table.Th>{t('processes.duration')}</Table.Th>
                <Table.Th>{t('processes.outcome')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {executions.data.processExecutions.edges.map(({ node }) => (
                <Table.Tr key={node.id} data-testid="execution" data-process-name={node.process.name}>
                  <Table.Td ff="monospace" dir="ltr">
                    {node.process.name}
                  </Table.Td>
                  <Table.Td>
                    <ExecutionBadge status={node.status} />
                  </Table.Td>
                  <Table.Td>{node.triggeredBy ? t(`triggeredBy.${node.triggeredBy}`) : '—'}</Table.Td>
                  <Table.Td>{formatDateTime(node.queuedAt, dates)}</Table.Td>
                  <Table.Td>
                    {node.duration === null || node.duration === undefined
                      ? '—'
                      : t('processes.seconds', { n: Math.round(node.duration * 100) / 100 })}
                  </Table.Td>
                  <Table.Td maw={320}>
                    {node.errorMessage ? (
                      <Text size="xs" c="red">
                        {node.errorMessage}
                      </Text>
                    ) : node.result !== null && node.result !== undefined ? (
                      <Spoiler maxHeight={40} showLabel={t('common.more')} hideLabel={t('common.less')}>
                        <Code block dir="ltr">
                          {JSON.stringify(node.result, null, 1)}
                        </Code>
                      </Spoiler>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : executions.fetching ? (
        <Loader aria-label={t('app.loading')} />
      ) : null}
    </Stack>
  );
}
