import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`. */
export const SIGNATURE_HEADER = 'X-Raqib-Signature';

/** Default tolerance between the signature time and the receiver's clock (replay window), seconds. */
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;

function hmacHex(secret: string, timestampS: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampS}.${body}`, 'utf8').digest('hex');
}

/**
 * Signs a webhook body. The timestamp is signed with the body, so a captured request cannot be
 * replayed outside the receiver's tolerance window.
 *
 * @returns the value of the {@link SIGNATURE_HEADER} header
 */
export function signWebhookBody(secret: string, body: string, timestampS: number): string {
  return `t=${timestampS},v1=${hmacHex(secret, timestampS, body)}`;
}

export type SignatureCheck = { ok: true; timestampS: number } | { ok: false; problem: string };

export interface VerifyWebhookSignatureInput {
  secret: string;
  /** The raw request body, exactly as received. */
  body: string;
  /** The {@link SIGNATURE_HEADER} header value. */
  header: string | undefined;
  /** The receiver's time, Unix seconds (default: now). */
  nowS?: number;
  toleranceS?: number;
}

/**
 * Checks a webhook signature for receivers (and tests): right secret, unchanged body, and a timestamp
 * within `toleranceS` of now. Compares in constant time.
 */
export function verifyWebhookSignature(input: VerifyWebhookSignatureInput): SignatureCheck {
  const { secret, body, header } = input;
  if (!header) return { ok: false, problem: `missing ${SIGNATURE_HEADER} header` };
  const parts = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    parts.set(key, [...(parts.get(key) ?? []), part.slice(eq + 1).trim()]);
  }
  const timestampText = parts.get('t')?.[0];
  if (!timestampText || !/^\d{1,12}$/.test(timestampText)) return { ok: false, problem: 'missing or invalid t=' };
  const timestampS = Number(timestampText);
  const nowS = input.nowS ?? Math.floor(Date.now() / 1000);
  const toleranceS = input.toleranceS ?? DEFAULT_SIGNATURE_TOLERANCE_S;
  if (Math.abs(nowS - timestampS) > toleranceS) {
    return { ok: false, problem: `timestamp ${timestampS} is outside the ${toleranceS} s tolerance` };
  }
  const expected = Buffer.from(hmacHex(secret, timestampS, body), 'hex');
  for (const candidate of parts.get('v1') ?? []) {
    if (!/^[0-9a-f]{64}$/.test(candidate)) continue;
    if (timingSafeEqual(Buffer.from(candidate, 'hex'), expected)) return { ok: true, timestampS };
  }
  return { ok: false, problem: 'no v1 signature matches' };
}
