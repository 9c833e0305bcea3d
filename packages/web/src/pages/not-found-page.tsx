import { t } from '../i18n/i18n.js';
import { linkClick } from '../router.js';

export function NotFoundPage() {
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('notFound.title')}</h1>
      <a href="/live" onClick={(event) => linkClick(event, '/live')}>
        {t('notFound.back')}
      </a>
    </section>
  );
}
