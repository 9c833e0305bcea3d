import { useEffect, useState } from 'preact/hooks';
import type { StreamRecord, StreamState } from '../api/api-types.js';
import { formatNumber, t } from '../i18n/i18n.js';
import { frameBlob, useStreamLive } from '../live/use-stream-live.js';
import { Data, Trans } from './trans.js';

/** One drone of the grid: its picture, its count and its state; a button that shows it large. */
export function DroneTile({
  stream,
  state,
  selected,
  onSelect,
}: {
  stream: StreamRecord;
  state: StreamState | null;
  selected: boolean;
  onSelect: () => void;
}) {
  const { frame, readings } = useStreamLive(stream.id, true);
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!frame) return;
    const next = URL.createObjectURL(frameBlob(frame));
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [frame]);
  const count = readings?.count ?? frame?.count;
  const stateKey = state ?? 'unknown';
  return (
    <li class={`drone-tile${selected ? ' selected' : ''}`}>
      <button type="button" onClick={onSelect} aria-pressed={selected} data-testid={`tile-${stream.id}`}>
        <span class="tile-picture">
          {url ? (
            <img src={url} alt="" width={frame?.imageWidthPx} height={frame?.imageHeightPx} />
          ) : (
            <span class="muted">{t('live.noPicture')}</span>
          )}
        </span>
        <span class="tile-caption">
          <span class="tile-name">
            <Data>{stream.name || stream.id}</Data>
          </span>
          <span class={`badge state-${stateKey}`}>{t(`live.state.${stateKey}`)}</span>
          <span class="tile-count" data-testid={`tile-count-${stream.id}`}>
            {count === undefined ? '–' : <Trans k="live.countValue" values={{ count: <>{formatNumber(count)}</> }} />}
          </span>
        </span>
        <span class="visually-hidden">
          {selected ? t('live.selected') : <Trans k="live.select" values={{ name: stream.name || stream.id }} />}
        </span>
      </button>
    </li>
  );
}
