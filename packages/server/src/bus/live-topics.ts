import type { Role } from '../storage/store-records.js';

/** A topic family a WebSocket client may subscribe to, with the least role that may read it. */
export interface LiveTopic {
  pattern: RegExp;
  example: string;
  role: Role;
  summary: string;
  /**
   * Messages a slow client may miss: one is skipped while the client's unsent data is high, instead
   * of dropping the client (a picture is replaced by the next one anyway).
   */
  lossy?: boolean;
}

const STREAM = '[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}';

/** Every topic of `/api/v1/live`; anything else is refused (deny by default). */
export const LIVE_TOPICS: readonly LiveTopic[] = [
  { pattern: /^alerts$/, example: 'alerts', role: 'viewer', summary: 'Alert lifecycle events of every stream.' },
  {
    pattern: /^streams\/health$/,
    example: 'streams/health',
    role: 'viewer',
    summary: 'Stream state transitions (starting, live, stalled, reconnecting, ended).',
  },
  {
    pattern: new RegExp(`^streams/${STREAM}/readings$`),
    example: 'streams/cam1/readings',
    role: 'viewer',
    summary: 'Zone readings of one stream, per analysed frame.',
  },
  {
    pattern: new RegExp(`^streams/${STREAM}/analysis$`),
    example: 'streams/cam1/analysis',
    role: 'viewer',
    summary: 'Per-frame analysis of one stream at display rate (density grid, head points, tracks).',
  },
  {
    pattern: new RegExp(`^streams/${STREAM}/frames$`),
    example: 'streams/cam1/frames',
    role: 'viewer',
    summary: 'The picture of analysed frames as JPEG (base64), same seq and pixel space as the analysis.',
    lossy: true,
  },
  {
    pattern: new RegExp(`^events/${STREAM}/readings$`),
    example: 'events/hajj/readings',
    role: 'viewer',
    summary:
      'The event-wide picture of one event, per fusion step: de-duplicated total, naive sum of its drones, one reading per event geo zone.',
  },
];

/** The topic family `topic` belongs to, or undefined when it is not a topic. */
export function liveTopic(topic: string): LiveTopic | undefined {
  return LIVE_TOPICS.find((entry) => entry.pattern.test(topic));
}
