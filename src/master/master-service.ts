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
import { CredentialIssuer } from './credential-issuer.ts';

const TAG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const MAX_TAGS = 16;

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
  readonly issuer: CredentialIssuer;

  constructor(readonly overlay: Overlay, readonly registry: Registry, readonly opts: MasterOptions) {
    const node = overlay.node;
    this.offlineAfterMs = opts.offlineAfterMs ?? 45_000;
    const allow = new Set(opts.allow);
    this.issuer = new CredentialIssuer(node.suite, node.identity, node.clock, registry, overlay.membership);
    this.server = new RegistrationServer(overlay, registry, {
      decide: (a) => (opts.mode === 'auto' || allow.has(a) ? 'accepted' : 'pending'),
      credentialFor: (r) => {
        const c = this.issuer.current(r);
        return { bytes: c.credential.bytes, renewed: c.renewed };
      },
      revocations: () => this.issuer.revocationBytes(),
    });
    this.signer = createCommandSigner({ suite: node.suite, identity: node.identity, clock: node.clock, nextSeq: (a) => registry.nextSeq(a) });
  }

  online(r: NodeRecord): boolean {
    return this.server.streams.has(r.address) && this.overlay.node.clock.wallMs() - r.lastSeenMs <= this.offlineAfterMs;
  }

  /** Finds a node by address, by name, or by a unique address prefix. A name means the accepted
   *  node holding it (names are unique among them); a name only pending nodes claim must be
   *  unique among those, so a newcomer can never stand in for an admitted node. */
  resolve(ref: string): NodeRecord {
    const nodes = Object.values(this.registry.nodes);
    const exact = this.registry.get(ref);
    if (exact) return exact;
    const named = nodes.filter((n) => n.name === ref && n.enrolment !== 'removed');
    const admitted = named.filter((n) => n.enrolment === 'accepted');
    if (admitted.length === 1) return admitted[0]!;
    if (named.length === 1) return named[0]!;
    if (named.length > 1) throw new SkywireError('UNKNOWN_NODE', `"${ref}" is claimed by ${named.length} nodes waiting for approval (${named.map((n) => n.address).join(', ')}); give the address`);
    const byPrefix = nodes.filter((n) => n.address.startsWith(ref));
    if (byPrefix.length === 1) return byPrefix[0]!;
    throw new SkywireError('UNKNOWN_NODE', byPrefix.length > 1 ? `"${ref}" matches ${byPrefix.length} nodes; give more of the address` : `no registered node is called or addressed "${ref}"; "skywire nodes" lists them`);
  }

  /** Like resolve, for services that act on a node (term, forward, exec, config, apps): only an
   *  admitted node will do. */
  admitted(ref: string): NodeRecord {
    const r = this.resolve(ref);
    if (r.enrolment !== 'accepted') throw new SkywireError('NOT_ADMITTED', `${r.name || '-'} ${r.address} is ${r.enrolment === 'removed' ? 'removed from the fleet' : r.held === 'name-taken' ? 'held: its name belongs to another node' : 'waiting for approval'}; "skywire nodes approve ${r.address}" admits it`);
    return r;
  }

  async approve(ref: string): Promise<NodeRecord> {
    const r = this.resolve(ref);
    const holder = this.registry.nameHolder(r.name, r.address);
    if (holder) throw new SkywireError('NAME_TAKEN', `the name "${r.name}" belongs to ${holder.address}; remove that node first ("skywire nodes remove ${holder.address}") or let ${r.address} register under another name`);
    r.enrolment = 'accepted';
    r.held = undefined;
    this.issuer.issue(r);
    await this.registry.flush();
    this.server.notify(r.address, 'accepted');
    this.server.changed$.next(r.address);
    return r;
  }

  /** Takes a node out of the fleet at once: its credential is revoked (every node learns the
   *  list), its registration stream is closed, and it stays out until approved again. */
  async remove(ref: string): Promise<NodeRecord> {
    const r = this.resolve(ref);
    r.enrolment = 'removed';
    r.credential = undefined;
    r.held = undefined;
    const list = this.issuer.revoke(r.address);
    await this.registry.flush();
    this.server.broadcastRevocations(list.bytes);
    this.server.notify(r.address, 'removed');
    this.overlay.router.close(r.address);
    this.server.changed$.next(r.address);
    return r;
  }

  /** Signs and sends one command to an accepted node; the reply, or why there is none. */
  async command(ref: string, cmd: CommandBody['cmd'], args: Record<string, unknown>, timeoutMs = 30_000): Promise<CommandReply> {
    const r = this.admitted(ref);
    const signed = this.signer.sign(r.address, cmd, args);
    await this.registry.flush();
    return sendCommand(this.overlay, r.address, signed, timeoutMs);
  }

  accepted(): NodeRecord[] {
    return Object.values(this.registry.nodes).filter((n) => n.enrolment === 'accepted');
  }

  /** The nodes a fleet command names: every accepted one (all), the accepted ones carrying a
   *  tag, or one node. A tag no accepted node carries is an error, not an empty success. */
  targets(o: { all?: unknown; tag?: unknown; node?: unknown }): string[] {
    if (o.all === true) return this.accepted().map((r) => r.address);
    if (typeof o.tag === 'string' && o.tag !== '') {
      const tagged = this.accepted().filter((r) => r.tags?.includes(o.tag as string)).map((r) => r.address);
      if (tagged.length === 0) throw new SkywireError('UNKNOWN_TAG', `no accepted node is tagged "${o.tag}"; "skywire nodes tag NODE ${o.tag}" tags one`);
      return tagged;
    }
    if (typeof o.node !== 'string' || o.node === '') throw new SkywireError('BAD_REQUEST', 'name a node, or give --tag TAG or --all');
    return [this.resolve(o.node).address];
  }

  /** Adds and removes the operator's labels on a node; returns its tags. */
  async tag(ref: string, add: readonly string[], remove: readonly string[]): Promise<NodeRecord> {
    const r = this.resolve(ref);
    for (const t of [...add, ...remove]) {
      if (!TAG.test(t)) throw new SkywireError('BAD_REQUEST', `tag "${t}" must be 1-32 letters, digits, '-' or '_', starting with a letter or digit`);
    }
    const tags = new Set(r.tags ?? []);
    for (const t of add) tags.add(t);
    for (const t of remove) tags.delete(t);
    if (tags.size > MAX_TAGS) throw new SkywireError('BAD_REQUEST', `a node holds at most ${MAX_TAGS} tags; remove one first`);
    r.tags = [...tags].sort();
    await this.registry.flush();
    this.server.changed$.next(r.address);
    return r;
  }
}
