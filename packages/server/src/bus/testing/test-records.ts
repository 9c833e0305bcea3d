import type { AlertEvent } from '@raqib/core';

/** A distinct `raised` density alert event per index, on three streams: records for the store writer's tests. */
export function raisedAlert(index: number): AlertEvent {
  const id = `cam${index % 3}:plaza:density:warning:${index}`;
  return {
    id,
    incidentId: id,
    type: 'raised',
    severity: 'warning',
    rule: 'density',
    zoneId: 'plaza',
    streamId: `cam${index % 3}`,
    timeS: index,
    value: 3.3,
    threshold: 3,
    evidence: {
      zoneKind: 'standing',
      unit: 'persons/m2',
      comparison: '>=',
      raiseThreshold: 3,
      clearThreshold: 2.5,
      sustainS: 5,
      clearSustainS: 5,
      startedAtS: index,
      conditionSinceS: index,
      peakValue: 3.3,
      peakAtS: index,
      history: [],
    },
  };
}

/** The error a promise rejects with; fails when it resolves (a connection that should be refused). */
export async function refusal<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected the connection to be refused');
}
