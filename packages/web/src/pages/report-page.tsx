import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import type { EventRecord } from '../api/api-types.js';
import { currentLanguage, LANGUAGES, t, type Language } from '../i18n/i18n.js';
import { navigate, useLocation } from '../router.js';
import './report-page.css';

/** `/api/v1/events/:id/report` in a language and format (same origin: the session cookie goes with it). */
export function reportUrl(eventId: string, lang: Language, format: 'html' | 'pdf'): string {
  const query = new URLSearchParams({ lang, ...(format === 'pdf' ? { format } : {}) });
  return `/api/v1/events/${encodeURIComponent(eventId)}/report?${query}`;
}

/**
 * Why the framed document is not a report: the API answered an error (JSON body with the server's
 * message) instead of the page. The frame is same-origin (sandbox allow-same-origin, no scripts),
 * so its document can be read.
 */
function frameError(frame: HTMLIFrameElement): string | null {
  const doc = frame.contentDocument;
  if (!doc || doc.contentType === 'text/html') return null;
  const text = doc.body?.textContent ?? '';
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    return parsed.error?.message ?? text;
  } catch {
    return text || doc.contentType;
  }
}

/**
 * The post-event report of an event, as the server renders it (`GET /events/:id/report`): shown in
 * a frame, printed to PDF by the server, or opened alone in a new tab. The report's language
 * follows the interface's until one is chosen here.
 */
export function ReportPage() {
  const { search } = useLocation();
  const [events, setEvents] = useState<EventRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosenLang, setChosenLang] = useState<Language | null>(null);
  // What the frame shows, for the address it was loaded from (a new address is loading until its load).
  const [loaded, setLoaded] = useState<{ url: string; error: string | null } | null>(null);
  const frame = useRef<HTMLIFrameElement>(null);

  useEffect(() => {
    api<EventRecord[]>('GET', '/events').then(setEvents, (e: Error) => setError(e.message));
  }, []);

  const lang = chosenLang ?? currentLanguage();
  const eventId = search.get('event') ?? events?.[0]?.id ?? '';
  const htmlUrl = eventId ? reportUrl(eventId, lang, 'html') : '';
  const frameState = loaded?.url !== htmlUrl ? 'loading' : loaded.error === null ? 'shown' : { error: loaded.error };

  const chooseEvent = (id: string) => {
    const params = new URLSearchParams(location.search);
    params.set('event', id);
    navigate(`/report?${params}`);
  };

  return (
    <section class="page report-page" aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">{t('report.title')}</h1>
        {events && events.length > 0 && (
          <>
            <label class="inline-field">
              {t('report.event')}
              <select value={eventId} onChange={(e) => chooseEvent(e.currentTarget.value)} data-testid="report-event">
                {events.map((event) => (
                  <option key={event.id} value={event.id} translate={false}>
                    {event.name || event.id}
                  </option>
                ))}
              </select>
            </label>
            <label class="inline-field">
              {t('report.language')}
              <select
                value={lang}
                onChange={(e) => setChosenLang(e.currentTarget.value as Language)}
                data-testid="report-language"
              >
                {LANGUAGES.map((language) => (
                  <option key={language} value={language} lang={language}>
                    {t(`languages.${language}`)}
                  </option>
                ))}
              </select>
            </label>
            <a
              class="button-link"
              href={reportUrl(eventId, lang, 'pdf')}
              download={`raqib-report-${eventId}-${lang}.pdf`}
              data-testid="report-pdf"
            >
              {t('report.pdf')}
            </a>
            <a href={htmlUrl} target="_blank" rel="noopener" data-testid="report-open">
              {t('report.openNewTab')}
            </a>
          </>
        )}
      </div>
      {error && (
        <p role="alert" class="form-error">
          {t('app.error', { message: error })}
        </p>
      )}
      {events === null && !error && <p role="status">{t('app.loading')}</p>}
      {events?.length === 0 && <p class="muted">{t('report.noEvents')}</p>}
      {htmlUrl && (
        <>
          <p class="muted">{t('report.pdfHint')}</p>
          {frameState === 'loading' && <p role="status">{t('report.loading')}</p>}
          {typeof frameState === 'object' && (
            <p role="alert" class="form-error">
              {t('report.failed', { message: frameState.error })}
            </p>
          )}
          {/* No script may run in the report (its own CSP forbids it too); allow-same-origin lets
              this page read the framed document to tell a report from an API error. */}
          <iframe
            ref={frame}
            key={htmlUrl}
            class="report-frame"
            src={htmlUrl}
            sandbox="allow-same-origin"
            title={t('report.frameTitle')}
            data-testid="report-frame"
            onLoad={() => {
              setLoaded({ url: htmlUrl, error: frame.current ? frameError(frame.current) : null });
            }}
          />
        </>
      )}
    </section>
  );
}
