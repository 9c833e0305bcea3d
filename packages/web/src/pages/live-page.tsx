import { t } from '../i18n/i18n.js';

export function LivePage() {
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('live.title')}</h1>
    </section>
  );
}
