// A node's side of its relationship with the master: the configured master key (from the boot
// file or config.json, possibly arriving while the node runs), the command verifier and port,
// and the registrar. Services that act on master commands (terminal, forward) get `verifier`
// and `commands` from here.
import type { Overlay } from '../overlay/overlay.ts';
import type { PeerSpec } from '../config/peer-spec.ts';
import { addressOf } from '../identity/address.ts';
import { NodeCommandVerifier } from '../command/command-verifier.ts';
import { fileSeqStore } from '../command/seq-store.ts';
import { CommandServer } from '../command/command-server.ts';
import { registerBuiltins } from '../command/builtin-handlers.ts';
import { Registrar, type RegistrarStatus } from './registrar.ts';
import { SKYWIRE_VERSION } from '../version.ts';
import type { NodeMetrics } from './node-metrics.ts';

export interface NodeAgentDeps {
  home: string;
  overlay: Overlay;
  heartbeatMs: number;
  configVersion: number;
  addPeer(p: PeerSpec): void;
  status(): unknown;
  restart(): void;
  log(msg: string): void;
  /** The master key was set or changed (membership is now enforced; load what was saved). */
  onMaster?(): void;
  /** Device data sent with registration and heartbeats (src/master/node-metrics.ts). */
  metrics?(): NodeMetrics;
}

export interface AgentStatus {
  master: string | null;
  registration: RegistrarStatus | null;
  configVersion: number;
  commands: { accepted: number; refused: Record<string, number> };
}

export class NodeAgent {
  readonly verifier: NodeCommandVerifier;
  readonly commands: CommandServer;
  private masterKey: Uint8Array | null = null;
  private registrar: Registrar | undefined;
  private configVersion: number;
  private readonly seqStore: ReturnType<typeof fileSeqStore>;
  /** The name reported to the master: the boot file's, which may arrive after the node started. */
  private name: string;

  constructor(private readonly d: NodeAgentDeps) {
    const node = d.overlay.node;
    const seq = fileSeqStore(d.home);
    this.configVersion = d.configVersion;
    this.name = node.name;
    this.verifier = new NodeCommandVerifier({ suite: node.suite, clock: node.clock, self: node.address, masterKey: () => this.masterKey, seq });
    this.commands = new CommandServer(d.overlay, this.verifier);
    registerBuiltins(this.commands, {
      home: d.home, overlay: d.overlay, status: d.status, restart: d.restart,
      configApplied: (r) => {
        this.configVersion = r.applied;
        for (const p of [...r.config.peers, ...r.config.relays]) d.addPeer(p);
        d.log(`config version ${r.applied} applied (was ${r.previous})`);
        this.registrar?.nudge();
      },
    });
    this.seqStore = seq;
  }

  /** Sets (or changes) the master; relays become outbound peers; registration (re)starts. */
  setMaster(key: Uint8Array, relays: readonly PeerSpec[], name?: string): void {
    for (const r of relays) this.d.addPeer(r);
    if (name !== undefined) this.name = name;
    if (this.masterKey && Buffer.from(this.masterKey).equals(key)) return;
    this.masterKey = key;
    this.d.overlay.membership.setMaster(key);
    this.d.onMaster?.();
    this.registrar?.stop();
    const master = addressOf(key);
    if (master === this.d.overlay.address) return void (this.registrar = undefined); // we are the master
    this.d.log(`master ${master}: registering`);
    this.registrar = new Registrar(this.d.overlay, master, {
      version: SKYWIRE_VERSION, name: () => this.name, configVersion: () => this.configVersion, commandSeq: () => this.seqStore.last(),
      ...(this.d.metrics ? { metrics: this.d.metrics } : {}),
    }, this.d.heartbeatMs, this.d.log).start();
  }

  /** The configured master's address, or undefined while none is configured. */
  masterAddress(): string | undefined {
    return this.masterKey ? addressOf(this.masterKey) : undefined;
  }

  status(): AgentStatus {
    return {
      master: this.masterKey ? addressOf(this.masterKey) : null,
      registration: this.registrar ? { ...this.registrar.status } : null,
      configVersion: this.configVersion,
      commands: { accepted: this.verifier.accepted, refused: { ...this.verifier.refused } },
    };
  }

  stop(): void {
    this.registrar?.stop();
  }
}
