// The canonical encoding signatures are computed over: JSON with object keys sorted by UTF-16
// code unit at every depth, no whitespace, UTF-8. Two encoders given equal values produce equal
// bytes, so the signer and the verifier never disagree about what was signed.
const enc = new TextEncoder();

const canon = (v: unknown): string => {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') {
    // NaN and Infinity have no JSON form; refusing them keeps the encoding one-to-one.
    if (!Number.isFinite(v)) throw new TypeError('canonical JSON: non-finite number');
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canon(o[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON: cannot encode ${typeof v}`);
};

export const canonicalJson = (v: unknown): string => canon(v);

/** Bytes to sign: a domain label (so a signature for one purpose is useless for another) + JSON. */
export const signingBytes = (domain: string, v: unknown): Uint8Array => enc.encode(`${domain}\n${canon(v)}`);
