import { useState } from 'preact/hooks';
import { ApiError, login } from '../api/api-client.js';
import type { Principal } from '../api/api-types.js';
import { currentLanguage, LANGUAGES, setLanguage, t, type Language } from '../i18n/i18n.js';

/** Sign-in form (public page): POST /api/v1/auth/login sets the session cookie and gives the CSRF token. */
export function LoginPage({ expired, onLogin }: { expired: boolean; onLogin: (principal: Principal) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(expired ? t('session.expired') : null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await login(username, password);
      onLogin({ actor: result.actor, role: result.role, via: result.via });
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 429) setError(t('login.rateLimited'));
      else if (caught instanceof ApiError && (caught.status === 401 || caught.status === 400))
        setError(t('login.failed'));
      else setError(t('login.unreachable', { message: (caught as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <form class="login-form" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">
          {t('app.name')} · {t('login.title')}
        </h1>
        <p class="muted">{t('app.tagline')}</p>
        <label>
          {t('login.username')}
          <input
            name="username"
            autocomplete="username"
            required
            value={username}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        <label class="login-language">
          {t('settings.language')}
          <select
            value={currentLanguage()}
            onChange={(event) => void setLanguage(event.currentTarget.value as Language)}
            data-testid="language"
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language} lang={language}>
                {t(`languages.${language}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
    </main>
  );
}
