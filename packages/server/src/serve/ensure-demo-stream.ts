import type { Store } from '../storage/store.js';
import { DEMO_EVENT_ID, DEMO_STREAM_ID, type DemoCrowd } from './demo-crowd.js';

/** Who the demo's rows are written by in the audit log. */
const DEMO_ACTOR = 'system:demo';

/**
 * Creates the demo event, its stream and the scenario's zones and rules, once: a second `--demo`
 * start finds them and changes nothing (zones and rules an operator edited are kept).
 */
export async function ensureDemoStream(store: Store, crowd: DemoCrowd): Promise<{ eventId: string; streamId: string }> {
  if (!(await store.getEvent(DEMO_EVENT_ID))) {
    await store.createEvent({ id: DEMO_EVENT_ID, name: 'Demo: simulated crowd' }, DEMO_ACTOR);
  }
  if (!(await store.getStream(DEMO_STREAM_ID))) {
    await store.createStream(
      { id: DEMO_STREAM_ID, eventId: DEMO_EVENT_ID, name: `Demo drone (${crowd.scenario.name} scenario)` },
      DEMO_ACTOR,
    );
  }
  if (!(await store.getZones(DEMO_STREAM_ID))) await store.setZones(DEMO_STREAM_ID, crowd.zonesDocument(), DEMO_ACTOR);
  if (!(await store.getRules(DEMO_STREAM_ID))) await store.setRules(DEMO_STREAM_ID, crowd.rulesDocument(), DEMO_ACTOR);
  return { eventId: DEMO_EVENT_ID, streamId: DEMO_STREAM_ID };
}
