import type { LoginResult, Principal } from './api-types.js';

const CSRF_KEY = 'raqib.csrf';

/** An API error with the server's stable code (`UNAUTHENTICATED`, `CONFLICT`, ...). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthenticated: () => void = () => undefined;

/** What to do when a call answers 401 (the session ended): the app shows the login page. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

function csrfToken(): string | null {
  try {
    return sessionStorage.getItem(CSRF_KEY);
  } catch {
    return null;
  }
}

/**
 * Calls `/api/v1<path>` with the session cookie; changes carry the CSRF token the login returned
 * (kept in sessionStorage so that a reload of the tab keeps working, gone with the tab).
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const token = csrfToken();
  if (method !== 'GET' && token) headers['x-csrf-token'] = token;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => null)) as
    (T & { error?: undefined }) | { error?: { code: string; message: string } } | null;
  if (!response.ok) {
    const error = payload && 'error' in payload && payload.error ? payload.error : undefined;
    if (response.status === 401 && path !== '/auth/login') onUnauthenticated();
    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP_' + response.status,
      error?.message ?? response.statusText,
    );
  }
  return payload as T;
}

export async function login(username: string, password: string): Promise<LoginResult> {
  const result = await api<LoginResult>('POST', '/auth/login', { username, password });
  try {
    sessionStorage.setItem(CSRF_KEY, result.csrfToken);
  } catch {
    // No sessionStorage: changes then fail with 403 and the user signs in again.
  }
  return result;
}

export async function logout(): Promise<void> {
  try {
    await api('POST', '/auth/logout');
  } finally {
    try {
      sessionStorage.removeItem(CSRF_KEY);
    } catch {
      // nothing to clear
    }
  }
}

/** Who the session is, or null when there is none (no 401 handler call: this is the probe). */
export async function currentPrincipal(): Promise<Principal | null> {
  const response = await fetch('/api/v1/auth/me', { credentials: 'same-origin' });
  if (response.status === 401) return null;
  if (!response.ok) throw new ApiError(response.status, 'HTTP_' + response.status, response.statusText);
  return (await response.json()) as Principal;
}

const ORDER = { viewer: 0, operator: 1, admin: 2 } as const;

/** Whether `role` may do what `needed` may (admin > operator > viewer). */
export function roleAtLeast(role: keyof typeof ORDER, needed: keyof typeof ORDER): boolean {
  return ORDER[role] >= ORDER[needed];
}
