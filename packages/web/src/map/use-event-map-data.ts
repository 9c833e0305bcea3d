import type { AnalysisMessage, ReadingsMessage, ZoneReading } from '@raqib/core';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api/api-client.js';
import type { StreamRecord, ZonesDocument } from '../api/api-types.js';
import { useSession } from '../session.js';
import { placeDrone, type DronePlacement } from './drone-footprint.js';
import { geoZones, type GeoZone } from './zone-shading.js';

export interface EventMapData {
  streams: StreamRecord[];
  zones: GeoZone[];
  /** Latest reading per `streamId/zoneId`. */
  latest: Map<string, ZoneReading>;
  placements: Map<string, DronePlacement>;
  error: string | null;
}

/** An event's streams, their geo zones, live zone readings and drone placements (REST + WebSocket). */
export function useEventMapData(eventId: string, reloadKey = 0): EventMapData {
  const { live } = useSession();
  const [streams, setStreams] = useState<StreamRecord[]>([]);
  const [zones, setZones] = useState<GeoZone[]>([]);
  const [latest, setLatest] = useState(new Map<string, ZoneReading>());
  const [placements, setPlacements] = useState(new Map<string, DronePlacement>());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!eventId) return;
    let cancelled = false;
    setError(null);
    (async () => {
      const list = await api<StreamRecord[]>('GET', `/streams?event=${encodeURIComponent(eventId)}`);
      const all: GeoZone[] = [];
      for (const stream of list) {
        try {
          const document = await api<ZonesDocument>('GET', `/streams/${encodeURIComponent(stream.id)}/zones`);
          all.push(...geoZones(stream.id, document.document));
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 404)) throw e;
        }
      }
      if (cancelled) return;
      setStreams(list);
      setZones(all);
    })().catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [eventId, reloadKey]);

  useEffect(() => {
    const unsubscribe: (() => void)[] = [];
    for (const stream of streams) {
      unsubscribe.push(
        live.subscribe(`streams/${stream.id}/readings`, (data) => {
          const message = data as ReadingsMessage;
          setLatest((previous) => {
            const next = new Map(previous);
            for (const reading of message.zones) next.set(`${stream.id}/${reading.zoneId}`, reading);
            return next;
          });
        }),
        live.subscribe(`streams/${stream.id}/analysis`, (data) => {
          const message = data as AnalysisMessage;
          const placement = placeDrone(message.pose, message.widthPx, message.heightPx, message.gsdMPerPx);
          setPlacements((previous) => {
            const next = new Map(previous);
            if (placement) next.set(stream.id, placement);
            else next.delete(stream.id);
            return next;
          });
        }),
      );
    }
    return () => unsubscribe.forEach((stop) => stop());
  }, [streams, live]);

  return { streams, zones, latest, placements, error };
}
