// A topology record: one node's signed statement of its up links and what they cost, with a
// sequence number so newer statements replace older ones everywhere. Layout and signature
// are in docs/PROTOCOL.md, "Topology records"; the codec is record-codec.ts.
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import type { Identity } from '../identity/identity.ts';
import { sha256 } from '../link/kdf.ts';

export const RECORD_VERSION = 1;
/** version, origin key, route key, seq, link count. */
export const RECORD_HEADER_BYTES = 1 + 32 + 32 + 8 + 2;
/** peer address, cost u16, loss u8. */
export const LINK_ENTRY_BYTES = 16 + 2 + 1;
export const RECORD_SIG_BYTES = 64;
/** A public relay may hold links to a whole fleet; bigger records travel in fragments. */
export const MAX_RECORD_LINKS = 2048;
export const MAX_COST_MS = 0xffff;
export const RECORD_DOMAIN = 'skywire/topology/v1/record';

export const recordBytes = (links: number): number => RECORD_HEADER_BYTES + links * LINK_ENTRY_BYTES + RECORD_SIG_BYTES;

export interface RecordLink {
  readonly peer: string;
  /** Smoothed RTT in ms, 1..65535. */
  readonly costMs: number;
  /** Recent loss, 0..100. */
  readonly lossPct: number;
}

export interface LinkRecord {
  /** Derived from originKey, never sent. */
  readonly origin: string;
  readonly originKey: Uint8Array;
  readonly routeKey: Uint8Array;
  /** Below 2^53; newer records have larger ones. */
  readonly seq: number;
  /** Sorted by the peers' raw address bytes, no duplicates, never the origin itself. */
  readonly links: readonly RecordLink[];
  /** The signed encoding, forwarded verbatim. */
  readonly bytes: Uint8Array;
}

/** What is signed: the domain, then every byte before the signature. */
export const signedDigest = (body: Uint8Array): Uint8Array => sha256(RECORD_DOMAIN, body);

export const clampCost = (ms: number): number => Math.min(MAX_COST_MS, Math.max(1, Math.round(ms)));
export const clampLoss = (pct: number): number => Math.min(100, Math.max(0, Math.round(pct)));

export const sameLinks = (a: readonly RecordLink[], b: readonly RecordLink[]): boolean =>
  a.length === b.length && a.every((l, i) => l.peer === b[i]!.peer && l.costMs === b[i]!.costMs && l.lossPct === b[i]!.lossPct);

export interface RecordInput {
  suite: CryptoSuite;
  identity: Identity;
  routeKey: Uint8Array;
  seq: number;
  links: readonly RecordLink[];
}
