import { Center, DirectionProvider, Loader, MantineProvider, createTheme, useDirection } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Route, Switch } from 'wouter';
import { Shell } from './components/Shell';
import { ApiProvider, useSession } from './lib/api';
import type { Language } from './lib/dates';
import { TranslateProvider, storeLanguage, storedLanguage, translator } from './lib/i18n';
import { ChatScreen } from './screens/ChatScreen';
import { ProcessesScreen } from './screens/ProcessesScreen';
import { ProfileScreen } from './screens/ProfileScreen';
import { SignInScreen } from './screens/SignInScreen';
import { TasksScreen } from './screens/TasksScreen';

const theme = createTheme({
  primaryColor: 'teal',
  fontFamily: 'var(--behflow-font)',
  headings: { fontFamily: 'var(--behflow-font)' },
  focusRing: 'auto',
  defaultRadius: 'md',
});

/** Keeps the page's `lang` and `dir` (and Mantine's direction) in step with the language. */
function useDocumentLanguage(language: Language) {
  const { setDirection } = useDirection();
  useEffect(() => {
    const dir = language === 'fa' ? 'rtl' : 'ltr';
    document.documentElement.lang = language;
    document.documentElement.dir = dir;
    document.title = translator(language)('app.title');
    setDirection(dir);
  }, [language, setDirection]);
}

function Screens({ language, setLanguage }: { language: Language; setLanguage: (language: Language) => void }) {
  useDocumentLanguage(language);
  const session = useSession();
  if (session.loading) {
    return (
      <Center h="100vh">
        <Loader aria-label={translator(language)('app.loading')} />
      </Center>
    );
  }
  if (!session.viewer) return <SignInScreen language={language} setLanguage={setLanguage} />;
  return (
    <Shell language={language} setLanguage={setLanguage}>
      <Switch>
        <Route path="/" component={TasksScreen} />
        <Route path="/chat">{() => <ChatScreen />}</Route>
        <Route path="/chat/:id">{(params) => <ChatScreen sessionId={decodeURIComponent(params.id)} />}</Route>
        <Route path="/processes" component={ProcessesScreen} />
        <Route path="/profile">{() => <ProfileScreen language={language} setLanguage={setLanguage} />}</Route>
        <Route component={TasksScreen} />
      </Switch>
    </Shell>
  );
}

export function App() {
  const [language, setLanguageState] = useState<Language>(storedLanguage);
  const setLanguage = (next: Language) => {
    storeLanguage(next);
    setLanguageState(next);
  };
  const t = translator(language);
  return (
    <DirectionProvider initialDirection={language === 'fa' ? 'rtl' : 'ltr'} detectDirection={false}>
      <MantineProvider theme={theme} defaultColorScheme="auto">
        <TranslateProvider language={language}>
          <ApiProvider describeNotice={(kind) => t(kind === 'sessionEnded' ? 'auth.sessionEnded' : 'auth.signedOutEverywhere')}>
            <Screens language={language} setLanguage={setLanguage} />
          </ApiProvider>
        </TranslateProvider>
      </MantineProvider>
    </DirectionProvider>
  );
}
