import type { FuzzRandom } from './fuzz-random.js';
import type { Mutator } from './mutator.js';

/** Where byte edits land: anywhere, or (half the time) in the first bytes, where headers live. */
function offset(bytes: Uint8Array, random: FuzzRandom): number {
  const headerBytes = Math.min(bytes.length, 512);
  return random.chance(0.5) ? random.int(headerBytes) : random.int(bytes.length);
}

function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

function randomBytes(random: FuzzRandom, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => random.int(256));
}

/** Edits that know nothing about the format: flips, cuts, copies, zeros, junk. */
export const BYTE_MUTATORS: readonly Mutator[] = [
  {
    name: 'flip-bytes',
    apply(bytes, random) {
      if (bytes.length === 0) return null;
      const out = Uint8Array.from(bytes);
      const n = random.between(1, 8);
      for (let k = 0; k < n; k++) out[offset(out, random)] = random.int(256);
      return { bytes: out, detail: `${n} byte(s)` };
    },
  },
  {
    name: 'flip-bit',
    apply(bytes, random) {
      if (bytes.length === 0) return null;
      const out = Uint8Array.from(bytes);
      const at = offset(out, random);
      out[at] = out[at]! ^ (1 << random.int(8));
      return { bytes: out, detail: `byte ${at}` };
    },
  },
  {
    name: 'truncate',
    apply(bytes, random) {
      if (bytes.length < 2) return null;
      const at = random.int(bytes.length);
      return { bytes: bytes.slice(0, at), detail: `to ${at} of ${bytes.length} bytes` };
    },
  },
  {
    name: 'delete-range',
    apply(bytes, random) {
      if (bytes.length < 2) return null;
      const at = offset(bytes, random);
      const n = Math.min(bytes.length - at, random.between(1, 64));
      return { bytes: splice(bytes, at, n), detail: `${n} bytes at ${at}` };
    },
  },
  {
    name: 'duplicate-range',
    apply(bytes, random) {
      if (bytes.length < 2) return null;
      const from = random.int(bytes.length);
      const n = Math.min(bytes.length - from, random.between(1, 256));
      const at = offset(bytes, random);
      return { bytes: splice(bytes, at, 0, bytes.slice(from, from + n)), detail: `${n} bytes from ${from} at ${at}` };
    },
  },
  {
    name: 'zero-range',
    apply(bytes, random) {
      if (bytes.length === 0) return null;
      const out = Uint8Array.from(bytes);
      const at = offset(out, random);
      const n = Math.min(out.length - at, random.between(1, 128));
      out.fill(0, at, at + n);
      return { bytes: out, detail: `${n} bytes at ${at}` };
    },
  },
  {
    name: 'insert-junk',
    apply(bytes, random) {
      const at = offset(bytes, random);
      const n = random.between(1, 32);
      return { bytes: splice(bytes, at, 0, randomBytes(random, n)), detail: `${n} bytes at ${at}` };
    },
  },
  {
    name: 'extreme-int32',
    apply(bytes, random) {
      // Lengths, sizes and counts in binary headers are 32-bit words: make one absurd.
      if (bytes.length < 8) return null;
      const out = Uint8Array.from(bytes);
      const at = Math.floor(offset(out, random) / 4) * 4;
      if (at + 4 > out.length) return null;
      const value = random.pick([0xffffffff, 0x7fffffff, 0x80000000, 0, 0x00010000, 0x40000000]);
      new DataView(out.buffer).setUint32(at, value, random.chance(0.5));
      return { bytes: out, detail: `0x${value.toString(16)} at ${at}` };
    },
  },
  {
    name: 'empty-file',
    apply() {
      return { bytes: new Uint8Array(0) };
    },
  },
];
