import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import type { LiveFrameMessage } from '@raqib/core';
import { useSession } from '../session.js';
import {
  isArea,
  outline,
  sketchKeyAction,
  spaceOf,
  toRelative,
  type Point,
  type Sketch,
  type ZoneFeature,
} from './zone-features.js';

/** A still is refreshed this often while the editor is open (the frames topic runs at display rate). */
const STILL_REFRESH_MS = 5_000;

export interface FrameSurfaceProps {
  streamId: string;
  features: readonly ZoneFeature[];
  selected: number | null;
  onSelect: (index: number) => void;
  /** The shape being drawn, or null when not drawing. */
  sketch: Sketch | null;
  onVertex: (point: Point) => void;
  onFinish: () => void;
  onCancel: () => void;
  onRemoveVertex: () => void;
}

/**
 * The latest frame of a drone (`streams/<id>/frames`, kept as a still) with its image-space zones,
 * and the shape being drawn. Mouse: click adds a vertex. Keyboard: arrows move the cross, Space adds
 * a vertex there, Enter closes the shape, Delete removes the last vertex, Escape cancels.
 */
export function FrameSurface(props: FrameSurfaceProps) {
  const { live } = useSession();
  const [still, setStill] = useState<{ src: string; widthPx: number; heightPx: number } | null>(null);
  const [cursor, setCursor] = useState<Point>([0.5, 0.5]);
  const lastStillMs = useRef(0);
  const surface = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setStill(null);
    lastStillMs.current = 0;
    return live.subscribe(`streams/${props.streamId}/frames`, (data) => {
      const now = Date.now();
      if (now - lastStillMs.current < STILL_REFRESH_MS) return;
      lastStillMs.current = now;
      const frame = data as LiveFrameMessage;
      setStill({ src: `data:image/jpeg;base64,${frame.jpegBase64}`, widthPx: frame.widthPx, heightPx: frame.heightPx });
    });
  }, [props.streamId, live]);

  const pointOf = (event: MouseEvent): Point => {
    const rect = (event.currentTarget as Element).getBoundingClientRect();
    return [(event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height];
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (!props.sketch) return;
    const action = sketchKeyAction(event.key, event.shiftKey);
    if (!action) return;
    event.preventDefault();
    switch (action.type) {
      case 'add':
        props.onVertex(cursor);
        break;
      case 'finish':
        props.onFinish();
        break;
      case 'cancel':
        props.onCancel();
        break;
      case 'removeVertex':
        props.onRemoveVertex();
        break;
      case 'moveCursor':
        setCursor(([x, y]) => [Math.min(1, Math.max(0, x + action.dx)), Math.min(1, Math.max(0, y + action.dy))]);
        break;
    }
  };

  const widthPx = still?.widthPx ?? 16;
  const heightPx = still?.heightPx ?? 9;
  const svgPoints = (points: Point[]) => points.map(([x, y]) => `${x},${y}`).join(' ');
  const sketchPoints = props.sketch?.vertices ?? [];

  return (
    <div class="frame-surface-wrap">
      <div
        ref={surface}
        class={`frame-surface${props.sketch ? ' drawing' : ''}`}
        style={{ aspectRatio: `${widthPx} / ${heightPx}` }}
        tabIndex={0}
        role="application"
        aria-label={props.sketch ? t('zones.surfaceDrawing') : t('zones.surfaceLabel')}
        data-testid="frame-surface"
        data-has-still={String(still !== null)}
        onKeyDown={onKeyDown}
        onClick={(event) => {
          if (props.sketch) props.onVertex(pointOf(event));
        }}
      >
        {still ? (
          <img src={still.src} alt={t('zones.stillAlt')} draggable={false} />
        ) : (
          <p class="muted">{t('zones.waitingFrame')}</p>
        )}
        <svg viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">
          {props.features.map((feature, index) => {
            if (spaceOf(feature) !== 'image') return null;
            const points = svgPoints(toRelative(outline(feature), widthPx, heightPx));
            const cls = `zone-shape${index === props.selected ? ' selected' : ''}`;
            const select = (event: MouseEvent) => {
              if (props.sketch) return;
              event.stopPropagation();
              props.onSelect(index);
            };
            return isArea(feature) ? (
              <polygon key={index} class={cls} points={points} onClick={select} />
            ) : (
              <polyline key={index} class={`${cls} line`} points={points} onClick={select} />
            );
          })}
          {sketchPoints.length > 0 ? (
            props.sketch?.kind === 'area' ? (
              <polygon class="sketch" points={svgPoints(sketchPoints)} />
            ) : (
              <polyline class="sketch" points={svgPoints(sketchPoints)} />
            )
          ) : null}
          {sketchPoints.map(([x, y], i) => (
            <circle key={i} class="sketch-vertex" cx={x} cy={y} r={0.006} />
          ))}
          {props.sketch ? (
            <g class="sketch-cursor">
              <line x1={cursor[0] - 0.02} x2={cursor[0] + 0.02} y1={cursor[1]} y2={cursor[1]} />
              <line x1={cursor[0]} x2={cursor[0]} y1={cursor[1] - 0.03} y2={cursor[1] + 0.03} />
            </g>
          ) : null}
        </svg>
      </div>
    </div>
  );
}
