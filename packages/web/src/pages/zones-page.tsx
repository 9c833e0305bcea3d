import { t } from '../i18n/i18n.js';

/** Placeholder: the zones page is built on this scaffold by its own change (see docs/dashboard.md). */
export function ZonesPage() {
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('zones.title')}</h1>
      <p class="muted">{t('zones.placeholder')}</p>
    </section>
  );
}
