// Implementation constants for links (not part of the wire format), all overridable per node.
import type { GuardOptions } from './handshake-guard.ts';
import { defaultGuardOptions } from './handshake-guard.ts';

export interface LinkConfig {
  keepaliveMs: number;
  deadAfterMs: number;
  handshakeRetryMs: number;
  handshakeAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  rekeyAfterMs: number;
  rekeyAfterPackets: number;
  /** Accept handshakes from nodes not in the peer list (relays, masters). */
  acceptUnknown: boolean;
  guard: GuardOptions;
}

export const defaultLinkConfig: Readonly<LinkConfig> = Object.freeze({
  keepaliveMs: 5_000,
  deadAfterMs: 16_000,
  handshakeRetryMs: 1_000,
  handshakeAttempts: 5,
  backoffBaseMs: 1_000,
  backoffMaxMs: 30_000,
  rekeyAfterMs: 120_000,
  rekeyAfterPackets: 2 ** 30,
  acceptUnknown: false,
  guard: defaultGuardOptions,
});

export const withLinkDefaults = (partial: Partial<LinkConfig> | undefined): LinkConfig => ({
  ...defaultLinkConfig,
  ...partial,
  guard: { ...defaultGuardOptions, ...partial?.guard },
});
