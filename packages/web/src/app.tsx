import type { ComponentType } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { currentPrincipal, logout, setUnauthenticatedHandler } from './api/api-client.js';
import type { Principal } from './api/api-types.js';
import { LiveClient } from './api/live-client.js';
import { AlertWatcher } from './components/alert-watcher.js';
import { AppHeader } from './components/app-header.js';
import { t } from './i18n/i18n.js';
import { AlertsPage } from './pages/alerts-page.js';
import { lazyPage } from './lazy-page.js';
import { LivePage } from './pages/live-page.js';
import { LoginPage } from './pages/login-page.js';
import { MapPage } from './pages/map-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { ReportPage } from './pages/report-page.js';
import { ZonesPage } from './pages/zones-page.js';
import { routeOf, useLocation, type RouteName } from './router.js';
import { SessionContext, useLocale } from './session.js';

const ChartsPage = lazyPage(() => import('./pages/charts-page.js').then((m) => m.ChartsPage));

const PAGES: Record<RouteName, ComponentType> = {
  live: LivePage,
  alerts: AlertsPage,
  charts: ChartsPage,
  map: MapPage,
  zones: ZonesPage,
  report: ReportPage,
};

/** The app shell: session probe, login page or header + the routed page. */
export function App() {
  useLocale();
  const location = useLocation();
  const [principal, setPrincipal] = useState<Principal | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const live = useMemo(() => new LiveClient(() => setPrincipal(null)), []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setExpired(true);
      setPrincipal(null);
    });
    currentPrincipal().then(setPrincipal, () => setPrincipal(null));
  }, []);

  // Keyboard and screen-reader users land on the new page's content after a navigation.
  const firstPath = useRef(location.pathname);
  useEffect(() => {
    if (location.pathname === firstPath.current) return;
    firstPath.current = '';
    document.getElementById('main')?.focus();
  }, [location.pathname]);

  useEffect(() => {
    if (!principal) return;
    live.start();
    return () => live.stop();
  }, [principal, live]);

  if (principal === undefined) {
    return (
      <p class="page-loading" role="status">
        {t('app.loading')}
      </p>
    );
  }
  if (principal === null) {
    return (
      <LoginPage
        expired={expired}
        onLogin={(signedIn) => {
          setExpired(false);
          setPrincipal(signedIn);
        }}
      />
    );
  }
  const route = routeOf(location.pathname);
  const Page = route ? PAGES[route] : NotFoundPage;
  return (
    <SessionContext.Provider value={{ principal, live }}>
      <a class="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <AppHeader
        route={route}
        onLogout={() => {
          void logout().finally(() => setPrincipal(null));
        }}
      />
      <AlertWatcher />
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
    </SessionContext.Provider>
  );
}
