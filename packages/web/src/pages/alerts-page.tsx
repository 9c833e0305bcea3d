import { t } from '../i18n/i18n.js';

export function AlertsPage() {
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('alerts.title')}</h1>
    </section>
  );
}
