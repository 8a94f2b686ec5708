import {
  ActionIcon,
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  NavLink,
  SegmentedControl,
  Text,
  Title,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useLiveState, useSession } from '../lib/api';
import type { Language } from '../lib/dates';
import { useT } from '../lib/i18n';

interface Props {
  readonly language: Language;
  readonly setLanguage: (language: Language) => void;
  readonly children: ReactNode;
}

function LiveBadge() {
  const t = useT();
  const state = useLiveState();
  if (!state) return null;
  const color = state === 'live' ? 'teal' : state === 'reconnecting' ? 'orange' : 'gray';
  return (
    <Badge color={color} variant="light" role="status" aria-live="polite" data-live-state={state}>
      {t(`live.${state}`)}
    </Badge>
  );
}

export function LanguageSwitch({ language, setLanguage }: Pick<Props, 'language' | 'setLanguage'>) {
  const t = useT();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('settings.language')}
      value={language}
      onChange={(value) => setLanguage(value as Language)}
      data={[
        { value: 'en', label: 'EN' },
        { value: 'fa', label: 'فا' },
      ]}
    />
  );
}

function ThemeToggle() {
  const t = useT();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const label = scheme === 'dark' ? t('settings.lightTheme') : t('settings.darkTheme');
  return (
    <Tooltip label={label}>
      <ActionIcon variant="default" size="lg" aria-label={label} onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}>
        <span aria-hidden="true">{scheme === 'dark' ? '☀' : '☾'}</span>
      </ActionIcon>
    </Tooltip>
  );
}

export function Shell({ language, setLanguage, children }: Props) {
  const t = useT();
  const session = useSession();
  const viewer = session.viewer!;
  const [location] = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  // Below the `sm` breakpoint the closed menu would only be moved out of view: take it out of
  // the page, so that neither the keyboard nor a sideways scroll (right to left) reaches it.
  const phone = useMediaQuery('(max-width: 47.99em)');
  const menuHidden = Boolean(phone) && !opened;
  const links = [
    { href: '/', label: t('nav.tasks'), active: location === '/' },
    { href: '/chat', label: t('nav.chat'), active: location.startsWith('/chat') },
    ...(viewer.role === 'ADMIN' ? [{ href: '/processes', label: t('nav.processes'), active: location.startsWith('/processes') }] : []),
    { href: '/profile', label: t('nav.profile'), active: location.startsWith('/profile') },
  ];
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.menu')} aria-expanded={opened} />
            <Title order={1} size="h3">
              {t('app.name')}
            </Title>
            <LiveBadge />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" visibleFrom="sm" data-testid="viewer-name">
              {viewer.name} {viewer.lastname}
            </Text>
            <LanguageSwitch language={language} setLanguage={setLanguage} />
            <ThemeToggle />
            <Button variant="default" size="xs" visibleFrom="xs" onClick={() => void session.signOut()}>
              {t('auth.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" style={menuHidden ? { display: 'none' } : undefined}>
        <nav aria-label={t('nav.main')}>
          {links.map((link) => (
            <NavLink
              key={link.href}
              component={Link}
              href={link.href}
              label={link.label}
              active={link.active}
              aria-current={link.active ? 'page' : undefined}
              onClick={close}
            />
          ))}
        </nav>
        <Button variant="subtle" mt="auto" hiddenFrom="xs" onClick={() => void session.signOut()}>
          {t('auth.signOut')}
        </Button>
        <VisuallyHidden>{viewer.username}</VisuallyHidden>
      </AppShell.Navbar>
      <AppShell.Main id="main">{children}</AppShell.Main>
    </AppShell>
  );
}
