// Admission of the first frame of a terminal or forward stream. Two independent checks: the
// stream's peer (authenticated by the end-to-end handshake) must be the configured master, and
// the command must verify (master's key, this node, fresh, not replayed). The peer check comes
// first so a stranger's bytes never touch the verifier's replay state.
import type { CommandBody, CommandVerifier, RefuseReason, SignedCommand } from '../command/command-types.ts';
import { FrameType } from './frame.ts';
import type { FirstFrame } from './first-frame.ts';

export type GateRefusal = RefuseReason | 'not-master' | 'wrong-command' | 'bad-frame' | 'timeout' | 'closed';

export type GateResult = { ok: true; command: SignedCommand } | { ok: false; reason: GateRefusal };

export interface GateDeps {
  verifier: CommandVerifier;
  /** Address of the configured master; no master configured means every request is refused. */
  master: () => string | undefined;
}

export const admit = (first: FirstFrame, peer: string, cmd: CommandBody['cmd'], deps: GateDeps): GateResult => {
  if (!first.ok) return { ok: false, reason: first.reason };
  if (first.frame.type !== FrameType.Command) return { ok: false, reason: 'bad-frame' };
  const master = deps.master();
  if (master === undefined || peer !== master) return { ok: false, reason: 'not-master' };
  const v = deps.verifier.verify(first.frame.payload);
  if (!v.ok) return v;
  if (v.command.cmd !== cmd) return { ok: false, reason: 'wrong-command' };
  return v;
};

/** Refusals by reason, for status; the verifier keeps its own counts too. */
export class RefusalCounts<R extends string = GateRefusal> {
  readonly byReason: Partial<Record<R, number>> = {};
  total = 0;

  add(reason: R): void {
    this.byReason[reason] = (this.byReason[reason] ?? 0) + 1;
    this.total++;
  }

  snapshot(): { total: number; byReason: Partial<Record<R, number>> } {
    return { total: this.total, byReason: { ...this.byReason } };
  }
}
