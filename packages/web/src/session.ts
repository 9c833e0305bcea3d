import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Principal } from './api/api-types.js';
import type { LiveClient } from './api/live-client.js';
import { onLocaleChange } from './i18n/i18n.js';

export interface Session {
  principal: Principal;
  live: LiveClient;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session (pages are only rendered with one). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** Re-renders the calling component after a change of language or digits. */
export function useLocale(): void {
  const [, setTick] = useState(0);
  useEffect(() => onLocaleChange(() => setTick((tick) => tick + 1)), []);
}
