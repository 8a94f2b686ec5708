import { Alert, Anchor, Button, Center, Group, Paper, PasswordInput, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { LanguageSwitch } from '../components/Shell';
import { ProblemAlert } from '../components/ProblemAlert';
import { RegisterDocument, SignInDocument } from '../gql/graphql';
import { useSession } from '../lib/api';
import { browserTimeZone, type Language } from '../lib/dates';
import { describeError, type Problem } from '../lib/errors';
import { useT } from '../lib/i18n';

function SignInForm() {
  const t = useT();
  const session = useSession();
  const [{ fetching }, signIn] = useMutation(SignInDocument);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const result = await signIn({ input: { username: username.trim(), password } });
    if (result.error) setProblem(describeError(result.error, t));
    else if (result.data?.login) session.signedIn(result.data.login.token, result.data.login.user);
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label={t('auth.signIn')}>
      <Stack>
        <TextInput
          label={t('auth.username')}
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.currentTarget.value)}
        />
        <PasswordInput
          label={t('auth.password')}
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <ProblemAlert problem={problem} />
        <Button type="submit" loading={fetching}>
          {t('auth.signIn')}
        </Button>
      </Stack>
    </form>
  );
}

function RegisterForm() {
  const t = useT();
  const session = useSession();
  const [{ fetching }, register] = useMutation(RegisterDocument);
  const [values, setValues] = useState({ username: '', password: '', name: '', lastname: '' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const field = (name: keyof typeof values) => ({
    value: values[name],
    onChange: (event: { currentTarget: { value: string } }) => setValues({ ...values, [name]: event.currentTarget.value }),
    error: problem?.fields[name],
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const result = await register({ input: { ...values, username: values.username.trim(), timeZone: browserTimeZone() } });
    if (result.error) setProblem(describeError(result.error, t));
    else if (result.data?.register) session.signedIn(result.data.register.token, result.data.register.user);
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label={t('auth.register')}>
      <Stack>
        <TextInput
          label={t('auth.username')}
          description={t('auth.usernameRule')}
          autoComplete="username"
          required
          {...field('username')}
        />
        <PasswordInput
          label={t('auth.password')}
          description={t('auth.passwordRule')}
          autoComplete="new-password"
          required
          {...field('password')}
        />
        <Group grow>
          <TextInput label={t('profile.name')} autoComplete="given-name" required {...field('name')} />
          <TextInput label={t('profile.lastname')} autoComplete="family-name" required {...field('lastname')} />
        </Group>
        <ProblemAlert problem={problem} />
        <Button type="submit" loading={fetching}>
          {t('auth.createAccount')}
        </Button>
      </Stack>
    </form>
  );
}

export function SignInScreen({ language, setLanguage }: { language: Language; setLanguage: (language: Language) => void }) {
  const t = useT();
  const session = useSession();
  const [tab, setTab] = useState<string | null>('signin');
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="lg" w="100%" maw={420} component="main">
        <Group justify="space-between" mb="xs">
          <Title order={1} size="h2">
            {t('app.name')}
          </Title>
          <LanguageSwitch language={language} setLanguage={setLanguage} />
        </Group>
        <Text c="dimmed" size="sm" mb="md">
          {t('app.tagline')}
        </Text>
        {session.notice ? (
          <Alert color="yellow" role="status" mb="md">
            {session.notice}
          </Alert>
        ) : null}
        <Tabs value={tab} onChange={setTab}>
          <Tabs.List grow mb="md">
            <Tabs.Tab value="signin">{t('auth.signIn')}</Tabs.Tab>
            <Tabs.Tab value="register">{t('auth.register')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="signin">
            <SignInForm />
          </Tabs.Panel>
          <Tabs.Panel value="register">
            <RegisterForm />
          </Tabs.Panel>
        </Tabs>
        <Text size="xs" c="dimmed" mt="md">
          <Anchor href="/graphql" size="xs">
            {t('app.api')}
          </Anchor>
        </Text>
      </Paper>
    </Center>
  );
}
