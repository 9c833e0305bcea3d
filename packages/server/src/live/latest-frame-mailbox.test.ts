import { describe, expect, it } from 'vitest';
import { LatestFrameMailbox } from './latest-frame-mailbox.js';

describe('LatestFrameMailbox', () => {
  it('hands the newest frame to a slow consumer and counts the skipped ones', async () => {
    const box = new LatestFrameMailbox<number>();
    expect(box.put(1)).toBeUndefined();
    expect(box.put(2)).toBe(1);
    expect(box.put(3)).toBe(2);
    expect(await box.take()).toBe(3);
    expect(box.counters()).toEqual({ capturedFrames: 3, processedFrames: 1, skippedFrames: 2 });
  });

  it('delivers straight to a waiting consumer without skipping', async () => {
    const box = new LatestFrameMailbox<string>();
    const taken = box.take();
    box.put('a');
    expect(await taken).toBe('a');
    const next = box.take();
    box.put('b');
    expect(await next).toBe('b');
    expect(box.counters()).toEqual({ capturedFrames: 2, processedFrames: 2, skippedFrames: 0 });
  });

  it('ends a waiting consumer on close, after a frame already waiting', async () => {
    const box = new LatestFrameMailbox<number>();
    box.put(7);
    box.close();
    expect(box.put(8)).toBeUndefined();
    expect(await box.take()).toBe(7);
    expect(await box.take()).toBeNull();
    const other = new LatestFrameMailbox<number>();
    const waiting = other.take();
    other.close();
    expect(await waiting).toBeNull();
  });

  it('refuses a second concurrent taker', async () => {
    const box = new LatestFrameMailbox<number>();
    void box.take();
    await expect(box.take()).rejects.toThrow(/another take/);
  });
});
