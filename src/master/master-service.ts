// The master: an ordinary node plus the registry, the registration port and the command signer.
// Every command to a node goes through command() here, which persists the node's next sequence
// number before the signed bytes leave, so a master restart never reuses one.
import type { Overlay } from '../overlay/overlay.ts';
import { SkywireError } from '../errors.ts';
import { createCommandSigner } from '../command/command-signer.ts';
import type { CommandBody, CommandSigner } from '../command/command-types.ts';
import { sendCommand } from '../command/command-client.ts';
import type { CommandReply } from '../command/command-server.ts';
import { RegistrationServer } from './registration-server.ts';
import type { NodeRecord, Registry } from './registry.ts';

export interface MasterOptions {
  /** 'auto' accepts every node that registers; 'approval' holds them until approved. */
  mode: 'auto' | 'approval';
  /** Addresses accepted at once even in approval mode. */
  allow: readonly string[];
  /** A node whose last heartbeat is older than this shows as offline. */
  offlineAfterMs?: number;
}

export class MasterService {
  readonly signer: CommandSigner;
  readonly server: RegistrationServer;
  readonly offlineAfterMs: number;

  constructor(readonly overlay: Overlay, readonly registry: Registry, readonly opts: MasterOptions) {
    const node = overlay.node;
    this.offlineAfterMs = opts.offlineAfterMs ?? 45_000;
    const allow = new Set(opts.allow);
    this.server = new RegistrationServer(overlay, registry, {
      decide: (a) => (opts.mode === 'auto' || allow.has(a) ? 'accepted' : 'pending'),
    });
    this.signer = createCommandSigner({ suite: node.suite, identity: node.identity, clock: node.clock, nextSeq: (a) => registry.nextSeq(a) });
  }

  online(r: NodeRecord): boolean {
    return this.server.streams.has(r.address) && this.overlay.node.clock.wallMs() - r.lastSeenMs <= this.offlineAfterMs;
  }

  /** Finds a node by address, by name, or by a unique address prefix. */
  resolve(ref: string): NodeRecord {
    const nodes = Object.values(this.registry.nodes);
    const hit = this.registry.get(ref) ?? nodes.filter((n) => n.name === ref).at(0);
    if (hit) return hit;
    const byPrefix = nodes.filter((n) => n.address.startsWith(ref));
    if (byPrefix.length === 1) return byPrefix[0]!;
    throw new SkywireError('UNKNOWN_NODE', byPrefix.length > 1 ? `"${ref}" matches ${byPrefix.length} nodes; give more of the address` : `no registered node is called or addressed "${ref}"; "skywire nodes" lists them`);
  }

  async approve(ref: string): Promise<NodeRecord> {
    const r = this.resolve(ref);
    r.enrolment = 'accepted';
    await this.registry.flush();
    this.server.notify(r.address, 'accepted');
    return r;
  }

  /** Signs and sends one command to an accepted node; the reply, or why there is none. */
  async command(ref: string, cmd: CommandBody['cmd'], args: Record<string, unknown>, timeoutMs = 30_000): Promise<CommandReply> {
    const r = this.resolve(ref);
    if (r.enrolment !== 'accepted') throw new SkywireError('COMMAND_REFUSED', `${r.address} is waiting for approval: "skywire nodes approve ${r.address}" first`);
    const signed = this.signer.sign(r.address, cmd, args);
    await this.registry.flush();
    return sendCommand(this.overlay, r.address, signed, timeoutMs);
  }

  accepted(): NodeRecord[] {
    return Object.values(this.registry.nodes).filter((n) => n.enrolment === 'accepted');
  }
}
