/** One SubRip (.srt) subtitle block. */
export interface SubRipBlock {
  /** 1-based line number of the block's first line in the file. */
  line: number;
  /** The block's sequence number. */
  index: number;
  startMs: number;
  endMs: number;
  /** The text lines after the timing line, joined with '\n'. */
  body: string;
}

/** A block that could not be read, with the 1-based line number where it starts. */
export interface SubRipProblem {
  line: number;
  message: string;
}

const TIMING =
  /^\s*(\d+):(\d{1,2}):(\d{1,2})(?:[,.](\d{1,3}))?\s*-->\s*(\d+):(\d{1,2}):(\d{1,2})(?:[,.](\d{1,3}))?\s*$/;

function toMs(h: string, m: string, s: string, ms: string | undefined): number {
  // Some DJI files write seconds as "60" at minute boundaries; plain arithmetic absorbs it.
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + (ms ? Number(ms.padEnd(3, '0')) : 0);
}

/**
 * Splits SubRip text into blocks (`index` line, `HH:MM:SS,mmm --> HH:MM:SS,mmm` line, body lines),
 * separated by blank lines. Tolerates a byte-order mark, CRLF line ends, `.` as millisecond separator,
 * and a missing index line. Malformed blocks are skipped and reported with their line number.
 */
export function splitSubRipBlocks(text: string): { blocks: SubRipBlock[]; problems: SubRipProblem[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const blocks: SubRipBlock[] = [];
  const problems: SubRipProblem[] = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (i >= lines.length) break;
    const start = i;
    const group: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') group.push(lines[i++]!);
    const line = start + 1;

    let timingAt = 0;
    let index = NaN;
    const head = group[0]!.trim();
    if (/^\d+$/.test(head)) {
      index = Number(head);
      timingAt = 1;
    } else if (!TIMING.test(head)) {
      problems.push({ line, message: `expected a subtitle number, got "${head.slice(0, 40)}"` });
      continue;
    }
    const timingLine = group[timingAt];
    const timing = timingLine === undefined ? null : TIMING.exec(timingLine);
    if (!timing) {
      problems.push({
        line: line + timingAt,
        message: `expected a timing line "HH:MM:SS,mmm --> HH:MM:SS,mmm", got "${(timingLine ?? '').trim().slice(0, 40)}"`,
      });
      continue;
    }
    const [, h1, m1, s1, ms1, h2, m2, s2, ms2] = timing as unknown as [
      string,
      string,
      string,
      string,
      string | undefined,
      string,
      string,
      string,
      string | undefined,
    ];
    const startMs = toMs(h1, m1, s1, ms1);
    const endMs = toMs(h2, m2, s2, ms2);
    if (endMs < startMs) {
      problems.push({ line: line + timingAt, message: `subtitle ends (${endMs} ms) before it starts (${startMs} ms)` });
      continue;
    }
    if (Number.isNaN(index)) index = blocks.length > 0 ? blocks[blocks.length - 1]!.index + 1 : 1;
    blocks.push({ line, index, startMs, endMs, body: group.slice(timingAt + 1).join('\n') });
  }
  return { blocks, problems };
}
