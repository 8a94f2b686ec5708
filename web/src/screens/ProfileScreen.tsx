import { Alert, Button, Card, Group, PasswordInput, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ProblemAlert } from '../components/ProblemAlert';
import { LanguageSwitch } from '../components/Shell';
import { ChangePasswordDocument, SignOutEverywhereDocument, UpdateProfileDocument, type Calendar } from '../gql/graphql';
import { useSession } from '../lib/api';
import { timeZones, type Language } from '../lib/dates';
import { describeError, type Problem } from '../lib/errors';
import { useT } from '../lib/i18n';

function ProfileForm() {
  const t = useT();
  const session = useSession();
  const viewer = session.viewer!;
  const [values, setValues] = useState({
    name: viewer.name,
    lastname: viewer.lastname,
    timeZone: viewer.timeZone,
    calendar: viewer.calendar,
  });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState(false);
  const [{ fetching }, update] = useMutation(UpdateProfileDocument);
  const zones = useMemo(() => {
    const all = timeZones();
    return all.includes(values.timeZone) ? all : [values.timeZone, ...all];
  }, [values.timeZone]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setSaved(false);
    const changedZone = values.timeZone !== viewer.timeZone || !viewer.usesServiceTimeZone;
    const result = await update({
      input: {
        name: values.name,
        lastname: values.lastname,
        calendar: values.calendar,
        ...(changedZone ? { timeZone: values.timeZone } : {}),
      },
    });
    if (result.error) setProblem(describeError(result.error, t));
    else if (result.data?.updateProfile) {
      session.viewerChanged(result.data.updateProfile.user);
      setSaved(true);
    }
  };
  return (
    <form onSubmit={(event) => void save(event)} aria-label={t('profile.title')}>
      <Stack>
        <Group grow align="flex-start">
          <TextInput
            label={t('profile.name')}
            required
            value={values.name}
            onChange={(e) => setValues({ ...values, name: e.currentTarget.value })}
            error={problem?.fields.name}
          />
          <TextInput
            label={t('profile.lastname')}
            required
            value={values.lastname}
            onChange={(e) => setValues({ ...values, lastname: e.currentTarget.value })}
            error={problem?.fields.lastname}
          />
        </Group>
        <Select
          label={t('profile.timeZone')}
          description={viewer.usesServiceTimeZone ? t('profile.serviceZone') : undefined}
          searchable
          allowDeselect={false}
          value={values.timeZone}
          onChange={(value) => value && setValues({ ...values, timeZone: value })}
          data={zones}
          error={problem?.fields.timeZone}
          limit={50}
        />
        <div>
          <Text size="sm" fw={500} mb={4} id="calendar-label">
            {t('profile.calendar')}
          </Text>
          <SegmentedControl
            aria-labelledby="calendar-label"
            value={values.calendar}
            onChange={(value) => setValues({ ...values, calendar: value as Calendar })}
            data={[
              { value: 'JALALI', label: t('calendar.JALALI') },
              { value: 'GREGORIAN', label: t('calendar.GREGORIAN') },
            ]}
          />
        </div>
        <ProblemAlert problem={problem} />
        {saved ? (
          <Alert color="teal" role="status">
            {t('profile.saved')}
          </Alert>
        ) : null}
        <Group>
          <Button type="submit" loading={fetching}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function PasswordForm() {
  const t = useT();
  const [values, setValues] = useState({ currentPassword: '', newPassword: '', repeat: '' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<number | null>(null);
  const [{ fetching }, change] = useMutation(ChangePasswordDocument);
  const mismatch = values.repeat.length > 0 && values.repeat !== values.newPassword;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mismatch) return;
    setProblem(null);
    setDone(null);
    const result = await change({ input: { currentPassword: values.currentPassword, newPassword: values.newPassword } });
    if (result.error) setProblem(describeError(result.error, t));
    else if (result.data?.changePassword) {
      setDone(result.data.changePassword.revokedSessions);
      setValues({ currentPassword: '', newPassword: '', repeat: '' });
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label={t('profile.password')}>
      <Stack>
        <PasswordInput
          label={t('profile.currentPassword')}
          autoComplete="current-password"
          required
          value={values.currentPassword}
          onChange={(e) => setValues({ ...values, currentPassword: e.currentTarget.value })}
          error={problem?.fields.currentPassword}
        />
        <PasswordInput
          label={t('profile.newPassword')}
          description={t('auth.passwordRule')}
          autoComplete="new-password"
          required
          value={values.newPassword}
          onChange={(e) => setValues({ ...values, newPassword: e.currentTarget.value })}
          error={problem?.fields.newPassword}
        />
        <PasswordInput
          label={t('profile.repeatPassword')}
          autoComplete="new-password"
          required
          value={values.repeat}
          onChange={(e) => setValues({ ...values, repeat: e.currentTarget.value })}
          error={mismatch ? t('profile.mismatch') : undefined}
        />
        <ProblemAlert problem={problem} />
        {done !== null ? (
          <Alert color="teal" role="status">
            {t('profile.passwordChanged', { n: done })}
          </Alert>
        ) : null}
        <Group>
          <Button type="submit" loading={fetching} disabled={mismatch}>
            {t('profile.changePassword')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function SignOutEverywhere() {
  const t = useT();
  const session = useSession();
  const [{ fetching }, signOutEverywhere] = useMutation(SignOutEverywhereDocument);
  const [problem, setProblem] = useState<Problem | null>(null);
  const run = async () => {
    setProblem(null);
    session.expectEnd(true);
    const result = await signOutEverywhere({});
    if (result.error) {
      session.expectEnd(false);
      setProblem(describeError(result.error, t));
    } else session.ended('signedOutEverywhere');
  };
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('profile.everywhereHint')}
      </Text>
      <ProblemAlert problem={problem} />
      <Group>
        <Button color="red" variant="light" loading={fetching} onClick={() => void run()}>
          {t('profile.signOutEverywhere')}
        </Button>
      </Group>
    </Stack>
  );
}

export function ProfileScreen({ language, setLanguage }: { language: Language; setLanguage: (language: Language) => void }) {
  const t = useT();
  const { viewer } = useSession();
  return (
    <Stack maw={720} mx="auto">
      <Title order={2}>{t('profile.title')}</Title>
      <Text c="dimmed" size="sm">
        {t('profile.signedInAs', { username: viewer!.username })}
      </Text>
      <Card withBorder>
        <ProfileForm />
      </Card>
      <Card withBorder>
        <Group justify="space-between">
          <Text fw={500}>{t('settings.language')}</Text>
          <LanguageSwitch language={language} setLanguage={setLanguage} />
        </Group>
      </Card>
      <Card withBorder>
        <Title order={3} size="h4" mb="sm">
          {t('profile.password')}
        </Title>
        <PasswordForm />
      </Card>
      <Card withBorder>
        <Title order={3} size="h4" mb="sm">
          {t('profile.sessions')}
        </Title>
        <SignOutEverywhere />
      </Card>
    </Stack>
  );
}
