import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature.js';

const body = '{"source":"raqib","idempotencyKey":"a:raised"}';

describe('webhook signature', () => {
  it('is t=<unix s>,v1=<hex HMAC-SHA256(secret, t.body)>', () => {
    const expected = createHmac('sha256', 'k').update(`1700000000.${body}`).digest('hex');
    expect(signWebhookBody('k', body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it.each([
    ['a valid signature', 'k', body, 1_700_000_100, { ok: true, timestampS: 1_700_000_000 }],
    ['a wrong secret', 'other', body, 1_700_000_100, { ok: false, problem: 'no v1 signature matches' }],
    ['a changed body', 'k', `${body} `, 1_700_000_100, { ok: false, problem: 'no v1 signature matches' }],
    [
      'a replay after the tolerance',
      'k',
      body,
      1_700_000_301,
      { ok: false, problem: 'timestamp 1700000000 is outside the 300 s tolerance' },
    ],
  ])('verifies %s', (_name, secret, received, nowS, result) => {
    const header = signWebhookBody('k', body, 1_700_000_000);
    expect(verifyWebhookSignature({ secret, body: received, header, nowS })).toEqual(result);
  });

  it('rejects missing or malformed headers', () => {
    expect(verifyWebhookSignature({ secret: 'k', body, header: undefined }).ok).toBe(false);
    expect(verifyWebhookSignature({ secret: 'k', body, header: 'v1=abc' })).toEqual({
      ok: false,
      problem: 'missing or invalid t=',
    });
    expect(verifyWebhookSignature({ secret: 'k', body, header: 't=1700000000,v1=zz', nowS: 1_700_000_000 }).ok).toBe(
      false,
    );
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const good = signWebhookBody('new', body, 1_700_000_000).split(',')[1];
    const old = signWebhookBody('old', body, 1_700_000_000).split(',')[1];
    const header = `t=1700000000,${old},${good}`;
    expect(verifyWebhookSignature({ secret: 'new', body, header, nowS: 1_700_000_000 }).ok).toBe(true);
  });
});
