// Messages on the registration stream (node -> master port 1), one JSON object per frame.
// The first frame is a Registration signed by the node's own key; the master checks the
// signature and that the key hashes to the claimed address (which must also be the stream's
// end-to-end authenticated peer). Later frames are heartbeats carrying only what changed.
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import { addressOf } from '../identity/address.ts';
import { signingBytes } from '../command/canonical-json.ts';
import { REGISTER_DOMAIN } from '../command/ports.ts';
import type { Delta } from './delta.ts';
import type { NodeMetrics } from './node-metrics.ts';

export interface LinkInfo { state: string; rttMs: number | null }
export interface RouteInfo { state: string; hops: number | null }

export interface RegistrationBody {
  v: 1;
  address: string;
  publicKey: string;
  name: string;
  version: string;
  configVersion: number;
  /** Highest command seq the node accepted: a master that lost its registry resumes above it. */
  commandSeq: number;
  issuedAtMs: number;
  /** Full snapshot at (re)registration; heartbeats then send deltas against it. */
  links: Record<string, LinkInfo>;
  routes: Record<string, RouteInfo>;
  /** The machine's figures and the apps' states (src/master/node-metrics.ts), where reported. */
  metrics?: NodeMetrics;
}

export interface RegisterMsg { type: 'register'; body: RegistrationBody; sig: string }
/** metrics: only the fields that changed since the last heartbeat (absent when none did). */
export interface HeartbeatMsg { type: 'heartbeat'; configVersion: number; links: Delta<LinkInfo>; routes: Delta<RouteInfo>; metrics?: Partial<NodeMetrics> }
/** credential: the node's membership credential (base64, src/membership/credential.ts) while
 *  accepted; revocations: the master's newest revocation list; held: why it is pending. */
export interface RegisteredMsg { type: 'registered'; status: 'accepted' | 'pending' | 'removed'; held?: string; credential?: string; revocations?: string }
export type NodeToMaster = RegisterMsg | HeartbeatMsg;

export const signRegistration = (suite: CryptoSuite, secretKey: Uint8Array, body: RegistrationBody): RegisterMsg =>
  ({ type: 'register', body, sig: Buffer.from(suite.sign(secretKey, signingBytes(REGISTER_DOMAIN, body))).toString('base64') });

export type RegistrationCheck = { ok: true; body: RegistrationBody } | { ok: false; reason: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Verifies a register message from the stream peer `peer`; never throws. */
export const checkRegistration = (suite: CryptoSuite, msg: unknown, peer: string): RegistrationCheck => {
  if (!isObj(msg) || msg.type !== 'register' || !isObj(msg.body) || typeof msg.sig !== 'string') return { ok: false, reason: 'malformed' };
  const b = msg.body;
  if (b.v !== 1 || typeof b.address !== 'string' || typeof b.publicKey !== 'string' || typeof b.name !== 'string'
    || typeof b.version !== 'string' || !Number.isSafeInteger(b.configVersion) || !Number.isSafeInteger(b.commandSeq) || !isObj(b.links) || !isObj(b.routes)) return { ok: false, reason: 'malformed' };
  const key = Buffer.from(b.publicKey, 'base64');
  const sig = Buffer.from(msg.sig, 'base64');
  if (key.length !== 32 || sig.length !== 64) return { ok: false, reason: 'malformed' };
  if (addressOf(key) !== b.address) return { ok: false, reason: 'key-address-mismatch' };
  if (b.address !== peer) return { ok: false, reason: 'not-stream-peer' };
  let good = false;
  try {
    good = suite.verify(key, signingBytes(REGISTER_DOMAIN, b), sig);
  } catch {
    good = false;
  }
  return good ? { ok: true, body: b as unknown as RegistrationBody } : { ok: false, reason: 'bad-signature' };
};
