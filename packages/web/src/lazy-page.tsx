import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n/i18n.js';

/**
 * A page whose code loads on first visit (its own chunk): the charts page brings uPlot, which the
 * live view and the sign-in page do not need.
 */
export function lazyPage(load: () => Promise<ComponentType>): ComponentType {
  let loaded: ComponentType | null = null;
  return function LazyPage() {
    const [Page, setPage] = useState<ComponentType | null>(() => loaded);
    const [failed, setFailed] = useState<string | null>(null);
    useEffect(() => {
      if (loaded) return;
      load().then(
        (component) => {
          loaded = component;
          setPage(() => component);
        },
        (error: Error) => setFailed(error.message),
      );
    }, []);
    if (failed) return <p role="alert">{t('app.error', { message: failed })}</p>;
    return Page ? <Page /> : <p role="status">{t('app.loading')}</p>;
  };
}
