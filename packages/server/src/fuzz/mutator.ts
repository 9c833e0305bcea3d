import type { FuzzRandom } from './fuzz-random.js';

/**
 * What a correct program must do with a mutant whose right answer is known. A mutant without an
 * expectation may succeed or fail, as long as it fails cleanly.
 * - `same-result`: the figures must equal the seed's (e.g. rows reordered, CRLF line ends);
 * - `not-doubled`: the file repeated twice: the count must not double without a word;
 * - `must-warn`: accepted only with a warning or note saying what is off (e.g. a 2000 m altitude jump);
 * - `must-fail`: must be refused (e.g. a rule naming a zone that does not exist);
 * - `count-or-warn`: a corrupted video must give the seed's count and frames, or say why not.
 */
export type Expectation = 'same-result' | 'not-doubled' | 'must-warn' | 'must-fail' | 'count-or-warn';

/** One mutated input. */
export interface Mutant {
  bytes: Uint8Array;
  /** Where and how, for the report (e.g. `byte 312`). */
  detail?: string;
  expect?: Expectation;
}

/** A deterministic edit of an input; null when it does not apply to this input. */
export interface Mutator {
  name: string;
  apply(bytes: Uint8Array, random: FuzzRandom): Mutant | null;
}

export const textDecoder = new TextDecoder();
export const textEncoder = new TextEncoder();
