import { t } from '../i18n/i18n.js';

/** Placeholder: the report page is built on this scaffold by its own change (see docs/dashboard.md). */
export function ReportPage() {
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('report.title')}</h1>
      <p class="muted">{t('report.placeholder')}</p>
    </section>
  );
}
