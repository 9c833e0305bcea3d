import type { TruthFrame } from './crowd-simulation.js';
import { SeededRandom } from './seeded-random.js';
import type { PeopleFrame } from './zone-meter.js';

/** Imperfections of a detector/tracker, applied to simulated truth. */
export interface ObservationNoise {
  /** Probability that a person is missed in a frame (0..1). */
  missRate: number;
  /**
   * Probability that a person also yields a spurious detection 0.3-0.8 m away, without a track id
   * (0..1). Equal to `missRate`, counts stay unbiased on average.
   */
  extraRate: number;
  /** Standard deviation of position errors, metres. */
  positionSdM: number;
  /** Standard deviation of velocity errors, m/s. */
  velocitySdMPerS: number;
}

/** A plausible point detector and tracker at ~5 cm/px: 5% misses, 5% extras, 5 cm and 5 cm/s errors. */
export const DEFAULT_OBSERVATION_NOISE: ObservationNoise = {
  missRate: 0.05,
  extraRate: 0.05,
  positionSdM: 0.05,
  velocitySdMPerS: 0.05,
};

/**
 * Turns simulated truth into what a detector and tracker would report: people missed at random,
 * spurious detections near people (fresh negative ids, never reused), positions and velocities with
 * Gaussian errors (true ids kept). Deterministic for a seed.
 */
export class PeopleObserver {
  private readonly noise: ObservationNoise;
  private readonly random: SeededRandom;
  /** Spurious detections get fresh negative ids, never reused (no track continues through them). */
  private nextExtraId = -1;

  constructor(noise: ObservationNoise = DEFAULT_OBSERVATION_NOISE, seed = 7) {
    this.noise = noise;
    this.random = new SeededRandom(seed);
  }

  /** What the detector and tracker report for one truth frame. */
  observe(frame: TruthFrame): PeopleFrame {
    const keep: number[] = [];
    const extras: number[] = [];
    for (let i = 0; i < frame.count; i++) {
      if (this.random.next() >= this.noise.missRate) keep.push(i);
      if (this.random.next() < this.noise.extraRate) extras.push(i);
    }
    const n = keep.length + extras.length;
    const people: PeopleFrame = {
      timeS: frame.timeS,
      count: n,
      ids: new Int32Array(n),
      x: new Float64Array(n),
      y: new Float64Array(n),
      vx: new Float64Array(n),
      vy: new Float64Array(n),
    };
    const { positionSdM, velocitySdMPerS } = this.noise;
    let k = 0;
    const add = (id: number, i: number, offsetM: number) => {
      const angle = this.random.uniform(0, 2 * Math.PI);
      people.ids[k] = id;
      people.x[k] = frame.x[i]! + offsetM * Math.cos(angle) + this.random.gaussian(0, positionSdM);
      people.y[k] = frame.y[i]! + offsetM * Math.sin(angle) + this.random.gaussian(0, positionSdM);
      people.vx[k] = frame.vx[i]! + this.random.gaussian(0, velocitySdMPerS);
      people.vy[k] = frame.vy[i]! + this.random.gaussian(0, velocitySdMPerS);
      k++;
    };
    for (const i of keep) add(frame.ids[i]!, i, 0);
    for (const i of extras) add(this.nextExtraId--, i, this.random.uniform(0.3, 0.8));
    return people;
  }
}
