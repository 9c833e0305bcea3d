import { z } from 'zod/v4';
import { ROLES } from '../storage/store-records.js';

/** Ids of events and streams: what zone ids accept, so they travel well in URLs, topics and files. */
export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'use 1-64 letters, digits, "-", "_", "." or ":"')
  .describe('Identifier: 1-64 letters, digits, "-", "_", "." or ":".');

export const idParams = z.object({ id: idSchema }).strict();

export const roleSchema = z.enum(ROLES as ['viewer', 'operator', 'admin']).describe('viewer | operator | admin');

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. NOT_FOUND, FORBIDDEN.'),
      message: z.string().describe('What was wrong and what to do; safe to show.'),
    }),
  })
  .describe('Every error response.');

/** Unix milliseconds, or an ISO 8601 date-time, in a query string. */
export const timeQuery = z
  .string()
  .transform((text, ctx) => {
    const ms = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'expected Unix milliseconds or an ISO 8601 date-time' });
      return z.NEVER;
    }
    return ms;
  })
  .describe('Unix milliseconds or an ISO 8601 date-time, e.g. 2026-06-01T18:00:00Z.');

/** A free-text note on an alert action. */
export const noteSchema = z.string().min(1).max(2000).describe('Free text, at most 2000 characters.');
