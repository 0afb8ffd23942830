// Durations in scenario files: "500ms", "30s", "10m", "1h", "1m30s", or a number of ms.
// Everything becomes integer ms, the simulator's only unit of time.
import { z } from 'zod';
import { SkywireError } from '../src/errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const WHOLE = /^(-?)((?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+)$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

export const DURATION_HINT = 'expected a duration like "30s", "500ms", "10m" or a number of ms';

/** Integer ms, or undefined when v is not a duration. */
export const tryParseDuration = (v: unknown): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const m = WHOLE.exec(v.trim());
  if (!m) return undefined;
  let ms = 0;
  for (const [, n, unit] of m[2]!.matchAll(PART)) ms += Number(n) * UNIT_MS[unit!]!;
  return Math.round(m[1] === '-' ? -ms : ms);
};

/** Integer ms; throws SCENARIO_INVALID for anything that is not a duration. */
export const parseDuration = (v: unknown): number => {
  const ms = tryParseDuration(v);
  if (ms === undefined) throw new SkywireError('SCENARIO_INVALID', `${DURATION_HINT}, got ${JSON.stringify(v) ?? String(v)}`);
  return ms;
};

/** Zod field for a duration; negative values only where a sign makes sense (clock offsets). */
export const durationField = (opts: { negative?: boolean; positive?: boolean } = {}) =>
  z.unknown().transform((v, ctx): number => {
    const ms = tryParseDuration(v);
    if (ms === undefined || (ms < 0 && !opts.negative) || (ms <= 0 && opts.positive)) {
      const need = opts.positive ? ' (greater than zero)' : opts.negative ? '' : ' (zero or more)';
      const message = v === undefined ? `required: ${DURATION_HINT}` : `${DURATION_HINT}${ms === undefined ? '' : need}, got ${JSON.stringify(v)}`;
      ctx.issues.push({ code: 'custom', message, input: v });
      return z.NEVER;
    }
    return ms;
  });
