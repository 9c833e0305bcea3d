import { RaqibError } from '@raqib/core';

/**
 * Mapping between live-bus topics and NATS subjects (docs/scale.md, "Topology and subjects").
 *
 * A topic's `/`-separated segments become subject tokens under `raqib.<site>`: `alerts` ->
 * `raqib.<site>.alerts`, `streams/cam1/readings` -> `raqib.<site>.streams.cam1.readings`. A stream id
 * may hold `.` or `:` (see live-topics), which NATS reads as a token separator or refuses in KV keys:
 * every character outside `[A-Za-z0-9_-]` is written `=HH` (its UTF-8 bytes in hex), so the mapping
 * is reversible and the same encoded token is a valid JetStream KV key.
 */
const SITE = /^[A-Za-z0-9_-]{1,32}$/;

/** A site (deployment) name valid in subjects and stream names. */
export function checkSite(site: string): string {
  if (!SITE.test(site)) {
    throw new RaqibError('CONFIG_INVALID', `nats.site: "${site}" must be 1-32 characters of A-Z, a-z, 0-9, _ or -`);
  }
  return site;
}

/** One topic segment as a subject token / KV key. */
export function encodeToken(segment: string): string {
  if (segment.length === 0) throw new RaqibError('INPUT_INVALID', 'empty topic segment');
  let out = '';
  for (const char of segment) {
    if (/^[A-Za-z0-9_-]$/.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The inverse of `encodeToken`. */
export function decodeToken(token: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < token.length; index++) {
    if (token[index] === '=') {
      bytes.push(parseInt(token.slice(index + 1, index + 3), 16));
      index += 2;
    } else bytes.push(token.charCodeAt(index));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `raqib.<site>` */
export const subjectRoot = (site: string) => `raqib.${checkSite(site)}`;

/** The subject of a topic; `*` and `>` segments stay wildcards (for subscriptions and filters). */
export function topicToSubject(site: string, topic: string): string {
  const tokens = topic
    .split('/')
    .map((segment) => (segment === '*' || segment === '>' ? segment : encodeToken(segment)));
  return `${subjectRoot(site)}.${tokens.join('.')}`;
}

/** The topic of a subject under `raqib.<site>`. */
export function subjectToTopic(site: string, subject: string): string {
  const root = `${subjectRoot(site)}.`;
  if (!subject.startsWith(root)) throw new RaqibError('INPUT_INVALID', `subject ${subject} is not under ${root}`);
  return subject.slice(root.length).split('.').map(decodeToken).join('/');
}
