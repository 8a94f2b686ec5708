import { Badge, Box, Button, Group, Loader, NavLink, Paper, ScrollArea, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Link, useLocation } from 'wouter';
import { Markdown } from '../components/Markdown';
import { ProblemAlert } from '../components/ProblemAlert';
import {
  ChatConversationDocument,
  ChatMessagesDocument,
  ChatRepliesDocument,
  ChatSessionListDocument,
  SendChatMessageDocument,
  StartChatSessionDocument,
  type ChatMessageFieldsFragment,
} from '../gql/graphql';
import { PAGE_SIZES } from '../graphql/usage';
import { useResync } from '../lib/api';
import { formatDateTime } from '../lib/dates';
import { describeError, type Problem } from '../lib/errors';
import { useCoalesced, useDateContext, useLiveEvents } from '../lib/hooks';
import { useT } from '../lib/i18n';

function Actions({ actions }: { actions: NonNullable<ChatMessageFieldsFragment['actions']> }) {
  const t = useT();
  if (actions.length === 0) return null;
  return (
    <Stack
      gap={4}
      mt="xs"
      component="ul"
      p={0}
      m={0}
      style={{ listStyle: 'none' }}
      aria-label={t('chat.actions')}
      data-testid="chat-actions"
    >
      {actions.map((action, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a reply's actions never change or move, and two may be alike.
        <Group key={index} gap={6} wrap="nowrap" component="li" align="flex-start">
          <Badge
            size="xs"
            variant="light"
            color={action.outcome === 'SUCCEEDED' ? 'teal' : 'red'}
            style={{ textTransform: 'none', flexShrink: 0 }}
          >
            {t(`chat.outcome.${action.outcome}`)} · {action.tool}
          </Badge>
          <Text size="xs" c="dimmed" dir="auto">
            {action.detail}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

function Bubble({
  role,
  children,
  testId,
}: {
  role: 'USER' | 'ASSISTANT' | 'SYSTEM' | 'TOOL' | 'OTHER';
  children: React.ReactNode;
  testId?: string;
}) {
  const mine = role === 'USER';
  return (
    <Group justify={mine ? 'flex-end' : 'flex-start'} data-testid={testId} data-role={role}>
      <Paper className="chat-bubble" p="sm" radius="lg" withBorder={!mine} bg={mine ? 'var(--mantine-primary-color-light)' : undefined}>
        {children}
      </Paper>
    </Group>
  );
}

function Conversation({ sessionId, onActivity }: { sessionId: string; onActivity: () => void }) {
  const t = useT();
  const dates = useDateContext();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ChatConversationDocument,
    variables: { id: sessionId, last: PAGE_SIZES.chatMessages },
  });
  const [streaming, setStreaming] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [{ fetching: sending }, send] = useMutation(SendChatMessageDocument);
  const bottom = useRef<HTMLDivElement>(null);
  const refresh = useCoalesced(() => {
    refetch({ requestPolicy: 'network-only' });
    // New messages change the order and titles of the session list.
    onActivity();
  }, 50);

  useLiveEvents(ChatMessagesDocument, { sessionId }, refresh);
  useLiveEvents(ChatRepliesDocument, { sessionId }, ({ chatReplyStream: event }) => {
    if (event.kind === 'DELTA') setStreaming((text) => (text ?? '') + (event.text ?? ''));
    else {
      setStreaming(null);
      refresh();
    }
  });
  useResync(() => {
    setStreaming(null);
    refresh();
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: it scrolls whenever the messages or the reply being written change.
  useEffect(() => {
    // Newer browsers return a promise from scrollIntoView: not a clean-up function.
    void bottom.current?.scrollIntoView({ block: 'end' });
  }, [data, streaming]);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!draft.trim() || sending) return;
    setProblem(null);
    const result = await send({ input: { sessionId, content: draft } });
    // Refused (e.g. a reply is still coming): the text stays in the box to send again.
    if (result.error) setProblem(describeError(result.error, t));
    else {
      setDraft('');
      refresh();
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  };

  const session = data?.chatSession;
  if (error) return <ProblemAlert problem={describeError(error, t)} />;
  if (!session) return fetching ? <Loader aria-label={t('app.loading')} /> : <Text>{t('chat.notFound')}</Text>;
  return (
    <Stack h="100%" gap="sm">
      <Title order={3} size="h4" dir="auto">
        {session.title ?? t('chat.untitled')}
      </Title>
      <ScrollArea.Autosize mah="calc(100dvh - 330px)" offsetScrollbars type="auto">
        <Stack gap="sm" role="log" aria-label={t('chat.messages')} aria-live="polite">
          {session.messages.edges.length === 0 && streaming === null ? <Text c="dimmed">{t('chat.empty')}</Text> : null}
          {session.messages.edges.map(({ node }) => (
            <Bubble key={node.id} role={node.role} testId="chat-message">
              {node.role === 'ASSISTANT' ? (
                <Markdown text={node.content} />
              ) : (
                <Text dir="auto" style={{ whiteSpace: 'pre-wrap' }}>
                  {node.content}
                </Text>
              )}
              {node.actions ? <Actions actions={node.actions} /> : null}
              <Text size="xs" c="dimmed" mt={4}>
                {formatDateTime(node.createdAt, dates)}
              </Text>
            </Bubble>
          ))}
          {streaming !== null ? (
            // biome-ignore lint/a11y/useValidAriaRole: `role` is the message's author (a prop of Bubble), not an ARIA role.
            <Bubble role="ASSISTANT" testId="chat-streaming">
              <Markdown text={streaming || '…'} />
              <Group gap={4} mt={4}>
                <Loader size={10} type="dots" />
                <Text size="xs" c="dimmed">
                  {t('chat.writing')}
                </Text>
              </Group>
            </Bubble>
          ) : null}
          <div ref={bottom} />
        </Stack>
      </ScrollArea.Autosize>
      <ProblemAlert problem={problem} onClose={() => setProblem(null)} />
      <form onSubmit={(event) => void submit(event)}>
        <Group align="flex-end" wrap="nowrap" gap="xs">
          <Textarea
            style={{ flex: 1 }}
            label={t('chat.message')}
            description={t('chat.hint')}
            rows={2}
            resize="vertical"
            maxLength={8000}
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            onKeyDown={onKeyDown}
          />
          <Button type="submit" loading={sending}>
            {t('chat.send')}
          </Button>
        </Group>
      </form>
    </Stack>
  );
}

export function ChatScreen({ sessionId }: { sessionId?: string }) {
  const t = useT();
  const dates = useDateContext();
  const [, navigate] = useLocation();
  const [sessions, refetch] = useQuery({ query: ChatSessionListDocument, variables: { first: PAGE_SIZES.chatSessions } });
  const [{ fetching: starting }, start] = useMutation(StartChatSessionDocument);
  const [problem, setProblem] = useState<Problem | null>(null);
  useResync(() => refetch({ requestPolicy: 'network-only' }));
  const edges = sessions.data?.chatSessions.edges ?? [];
  const refreshList = useCoalesced(() => refetch({ requestPolicy: 'network-only' }), 300);

  const newChat = async () => {
    setProblem(null);
    const result = await start({ input: {} });
    if (result.error) setProblem(describeError(result.error, t));
    else if (result.data?.createChatSession) {
      refetch({ requestPolicy: 'network-only' });
      navigate(`/chat/${encodeURIComponent(result.data.createChatSession.chatSession.id)}`);
    }
  };

  return (
    <Group align="stretch" gap="md" wrap="nowrap" maw={1200} mx="auto" style={{ minHeight: 'calc(100dvh - 100px)' }}>
      <Stack w={240} visibleFrom="md" gap="xs" component="nav" aria-label={t('chat.sessions')}>
        <Button onClick={() => void newChat()} loading={starting}>
          {t('chat.new')}
        </Button>
        {edges.map(({ node }) => (
          <NavLink
            key={node.id}
            component={Link}
            href={`/chat/${encodeURIComponent(node.id)}`}
            active={node.id === sessionId}
            aria-current={node.id === sessionId ? 'page' : undefined}
            label={<span dir="auto">{node.title ?? t('chat.untitled')}</span>}
            description={`${formatDateTime(node.updatedAt, dates)} · ${t('chat.messageCount', { n: node.messageCount })}`}
          />
        ))}
      </Stack>
      <Box style={{ flex: 1, minWidth: 0 }}>
        <Stack gap="sm" hiddenFrom="md" mb="sm">
          <Group gap="xs" wrap="nowrap" align="flex-end">
            <Select
              style={{ flex: 1 }}
              label={t('chat.sessions')}
              placeholder={t('chat.pick')}
              value={sessionId ?? null}
              onChange={(value) => value && navigate(`/chat/${encodeURIComponent(value)}`)}
              data={edges.map(({ node }) => ({ value: node.id, label: node.title ?? t('chat.untitled') }))}
            />
            <Button onClick={() => void newChat()} loading={starting}>
              {t('chat.new')}
            </Button>
          </Group>
        </Stack>
        <ProblemAlert problem={problem} onClose={() => setProblem(null)} />
        {sessionId ? (
          <Conversation key={sessionId} sessionId={sessionId} onActivity={refreshList} />
        ) : (
          <Stack align="center" mt="xl">
            <Title order={2}>{t('nav.chat')}</Title>
            <Text c="dimmed" ta="center" maw={420}>
              {t('chat.intro')}
            </Text>
            <Button onClick={() => void newChat()} loading={starting}>
              {t('chat.new')}
            </Button>
          </Stack>
        )}
      </Box>
    </Group>
  );
}
