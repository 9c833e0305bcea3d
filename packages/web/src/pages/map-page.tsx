import { t } from '../i18n/i18n.js';

/** Placeholder: the map page is built on this scaffold by its own change (see docs/dashboard.md). */
export function MapPage() {
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('map.title')}</h1>
      <p class="muted">{t('map.placeholder')}</p>
    </section>
  );
}
