// The contract between the master, which signs commands, and a node, which verifies them before
// acting. Everything a master asks of a node (status, config, restart, exec, terminal, forward)
// travels as one SignedCommand; a node acts only on commands its configured master signed, for
// itself, newer than the last one it accepted, and issued within the time window.

export interface CommandBody {
  v: 1;
  /** Address of the node that must act on it; another node refuses it ('wrong-node'). */
  node: string;
  /** Strictly increasing per (master, node); the node persists the highest accepted. */
  seq: number;
  /** Master's wall clock when signed; outside the node's window it is 'stale'. */
  issuedAtMs: number;
  cmd: 'status' | 'topology' | 'set-config' | 'get-config' | 'restart' | 'exec' | 'term' | 'forward' | 'logs'
    | 'app-list' | 'app-start' | 'app-stop' | 'app-remove' | 'app-install' | 'app-export' | 'app-import' | 'app-config' | 'app-config-get' | 'app-logs';
  args: Record<string, unknown>;
}

export interface SignedCommand extends CommandBody {
  /** Base64 Ed25519 signature by the master over the canonical encoding of the body. */
  sig: string;
  /** Base64 Ed25519 public key of the signer (not signed). Optional, but without it a command
   *  from a foreign master can only be told apart from a forged one as 'bad-signature'. */
  key?: string;
}

export type RefuseReason = 'malformed' | 'bad-signature' | 'foreign-key' | 'wrong-node' | 'replay' | 'stale';

export type VerifyResult = { ok: true; command: SignedCommand } | { ok: false; reason: RefuseReason };

export interface CommandVerifier {
  /** Checks bytes from the network; never throws. A refusal is counted by reason. */
  verify(bytes: Uint8Array): VerifyResult;
  readonly refused: Readonly<Record<RefuseReason, number>>;
}

export interface CommandSigner {
  sign(node: string, cmd: CommandBody['cmd'], args: Record<string, unknown>): Uint8Array;
}
