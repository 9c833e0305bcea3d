import { describe, expect, it } from 'vitest';
import { isRaqibError } from '@raqib/core';
import { choosePeopleScale, PeopleScaleChoice } from './people-scale-choice.js';

const trained = [3, 60] as const;

describe('choosePeopleScale', () => {
  it.each([
    { gsd: 0.046, scale: 1, reason: 'heads ~4.3 px at GSD 0.046 m/px; model trained on 3-60 px' },
    { gsd: 0.002, scale: 0.6, reason: 'heads ~1.0e+2 px at GSD 0.0020 m/px; model trained on 3-60 px' },
    { gsd: 0.1, scale: 1.5, reason: 'heads ~2.0 px at GSD 0.10 m/px; model trained on 3-60 px' },
  ])('GSD $gsd m/px -> $scale ($reason)', ({ gsd, scale, reason }) => {
    const decision = choosePeopleScale(gsd, { trainedHeadSizePx: trained });
    expect(decision.scale).toBeCloseTo(scale, 9);
    expect(decision.reason).toBe(reason);
  });

  it('never enlarges more than the model rule allows, and never above 4', () => {
    for (const gsd of [0.2, 1, 10]) {
      expect(choosePeopleScale(gsd, { trainedHeadSizePx: trained }).scale).toBeLessThanOrEqual(4);
    }
  });

  it('says where the scale comes from without a GSD or with --scale', () => {
    expect(choosePeopleScale(undefined, { trainedHeadSizePx: trained })).toMatchObject({ scale: 1 });
    expect(choosePeopleScale(undefined, { trainedHeadSizePx: trained }).reason).toMatch(/^no GSD known/);
    expect(choosePeopleScale(0.05, { fixedScale: 3 })).toEqual({ scale: 3, reason: 'from --scale' });
  });
});

describe('PeopleScaleChoice', () => {
  it('prints the scale on the first frame, and again only when the GSD moves it by more than 25%', () => {
    const lines: string[] = [];
    const choice = new PeopleScaleChoice({ trainedHeadSizePx: trained }, (line) => lines.push(line));
    const frame = (gsdMPerPx: number) => ({ gsdMPerPx, width: 1920, height: 1080 });
    expect(choice.scaleFor(frame(0.046))).toBe(1);
    expect(choice.scaleFor(frame(0.05))).toBe(1);
    expect(choice.scaleFor(frame(0.1))).toBeCloseTo(1.5, 9);
    expect(choice.scaleFor(frame(0.105))).toBeCloseTo(1.575, 9);
    expect(lines).toEqual([
      'people scale 1.00 (heads ~4.3 px at GSD 0.046 m/px; model trained on 3-60 px)',
      'people scale 1.50 (heads ~2.0 px at GSD 0.10 m/px; model trained on 3-60 px)',
    ]);
  });

  it('checks each new frame size before the model runs on it (image folders)', () => {
    const lines: string[] = [];
    const facts = { frames: 3, areaZones: 0, threads: 2, cores: 2, totalMemoryBytes: 16e9 };
    const choice = new PeopleScaleChoice({ trainedHeadSizePx: trained }, (line) => lines.push(line), facts);
    expect(choice.scaleFor({ gsdMPerPx: 0.05, width: 1024, height: 686 })).toBe(1);
    let error: unknown;
    try {
      choice.scaleFor({ gsdMPerPx: 3, width: 2048, height: 1372 });
    } catch (caught) {
      error = caught;
    }
    expect(isRaqibError(error, 'USAGE')).toBe(true);
    expect((error as Error).message).toContain('km² of ground each');
  });
});
