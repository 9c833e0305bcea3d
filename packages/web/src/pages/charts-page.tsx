import { t } from '../i18n/i18n.js';

export function ChartsPage() {
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('charts.title')}</h1>
    </section>
  );
}
