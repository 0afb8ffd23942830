// The master's side of the command contract: numbers, timestamps and signs each command. The
// sequence per node comes from the caller (the registry persists it), because a master that
// restarts and reuses a number would have its commands refused as replays.
import type { CryptoSuite } from '../identity/crypto-suite.ts';
import type { Identity } from '../identity/identity.ts';
import type { Clock } from '../env/clock.ts';
import type { CommandBody, CommandSigner, SignedCommand } from './command-types.ts';
import { commandSigningBytes, encodeCommand } from './command-codec.ts';

export interface SignerDeps {
  suite: CryptoSuite;
  identity: Identity;
  clock: Clock;
  /** Returns the next sequence number for a node and records it (strictly increasing). */
  nextSeq(node: string): number;
}

export const signCommand = (suite: CryptoSuite, identity: Identity, body: CommandBody): SignedCommand => ({
  ...body,
  sig: Buffer.from(suite.sign(identity.secretKey, commandSigningBytes(body))).toString('base64'),
  key: Buffer.from(identity.publicKey).toString('base64'),
});

export const createCommandSigner = (d: SignerDeps): CommandSigner => ({
  sign(node, cmd, args) {
    const body: CommandBody = { v: 1, node, seq: d.nextSeq(node), issuedAtMs: d.clock.wallMs(), cmd, args };
    return encodeCommand(signCommand(d.suite, d.identity, body));
  },
});
