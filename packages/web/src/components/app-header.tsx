import { useEffect, useState } from 'preact/hooks';
import { onSoundChange, setSoundMuted, soundMuted } from '../alert-sound.js';
import {
  currentLanguage,
  digitsSetting,
  LANGUAGES,
  setDigits,
  setLanguage,
  t,
  type DigitsSetting,
  type Language,
} from '../i18n/i18n.js';
import { linkClick, ROUTES, type RouteName } from '../router.js';
import { useSession } from '../session.js';
import { Trans } from './trans.js';

/** Top bar: the pages, the language, the digits, the alert sound, who is signed in and sign out. */
export function AppHeader({ route, onLogout }: { route: RouteName | undefined; onLogout: () => void }) {
  const { principal } = useSession();
  const [muted, setMuted] = useState(soundMuted());
  useEffect(() => onSoundChange(() => setMuted(soundMuted())), []);
  return (
    <header class="app-header">
      <div class="brand">
        <span class="brand-name">{t('app.name')}</span>
        <span class="brand-tagline">{t('app.tagline')}</span>
      </div>
      <nav aria-label={t('nav.main')}>
        <ul class="nav-list">
          {ROUTES.map((name) => (
            <li key={name}>
              <a
                href={`/${name}`}
                aria-current={route === name ? 'page' : undefined}
                onClick={(event) => linkClick(event, `/${name}`)}
              >
                {t(`nav.${name}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="header-tools">
        <label>
          <span class="visually-hidden">{t('settings.language')}</span>
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
        <label>
          <span class="visually-hidden">{t('settings.digits')}</span>
          <select
            value={digitsSetting()}
            onChange={(event) => setDigits(event.currentTarget.value as DigitsSetting)}
            data-testid="digits"
          >
            <option value="auto">{t('settings.digitsAuto')}</option>
            <option value="latn">{t('settings.digitsLatin')}</option>
            <option value="arab">{t('settings.digitsArabic')}</option>
          </select>
        </label>
        <button
          type="button"
          class="icon-button"
          aria-pressed={!muted}
          onClick={() => setSoundMuted(!muted)}
          title={t('settings.sound')}
        >
          {muted ? t('settings.soundOff') : t('settings.soundOn')}
        </button>
        <span class="who">
          <Trans
            k="session.signedInAs"
            values={{ actor: principal.actor, role: <>{t(`roles.${principal.role}`)}</> }}
          />
        </span>
        <button type="button" onClick={onLogout}>
          {t('session.logout')}
        </button>
      </div>
    </header>
  );
}
