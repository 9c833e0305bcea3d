import { useEffect, useState } from 'preact/hooks';

/** The dashboard's pages; each is its own file under pages/. */
export const ROUTES = ['live', 'alerts', 'charts', 'map', 'zones', 'report'] as const;
export type RouteName = (typeof ROUTES)[number];

/** The page of a path: `/live`, `/alerts`, ... (`/` is the live view); undefined when there is none. */
export function routeOf(pathname: string): RouteName | undefined {
  const first = pathname.split('/').filter(Boolean)[0] ?? 'live';
  return ROUTES.includes(first as RouteName) ? (first as RouteName) : undefined;
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((listener) => listener()));

/** Goes to `path` (history API, no reload); keeps `?lang=` if the address has it. */
export function navigate(path: string): void {
  const lang = new URLSearchParams(location.search).get('lang');
  const url = new URL(path, location.origin);
  if (lang && !url.searchParams.has('lang')) url.searchParams.set('lang', lang);
  history.pushState(null, '', url);
  listeners.forEach((listener) => listener());
}

/** The current location (path and query), re-rendering on every navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((tick) => tick + 1);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return { pathname: location.pathname, search: new URLSearchParams(location.search) };
}

/** Click handler for in-app links: plain clicks navigate in place, modified clicks open as usual. */
export function linkClick(event: MouseEvent, path: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(path);
}
