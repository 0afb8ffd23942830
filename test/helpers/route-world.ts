// Routers on SkyNodes on an in-memory network, with a static path finder over the configured
// edges (BFS, neighbours in address order) so route tests do not depend on the topology layer.
import { MemWorld, type MemNode } from './mem-node.ts';
import { nodeSuite } from '../../src/identity/node-suite.ts';
import { Router } from '../../src/route/router.ts';
import type { Conversation } from '../../src/route/conversation.ts';
import type { PathFinder, RouteConfig } from '../../src/route/router-ctx.ts';
import { edgeKey } from '../../src/route/avoid-set.ts';
import type { TraceEvent } from '../../src/env/trace.ts';

export interface RNode extends MemNode { router: Router; convs: Conversation[]; got: Uint8Array[] }

export class RouteWorld {
  readonly world: MemWorld;
  readonly nodes = new Map<string, RNode>();
  readonly edges: [string, string][] = [];
  readonly events: TraceEvent[] = [];
  private readonly keys = new Map<string, Uint8Array>();

  constructor(names: string[], edges: [string, string][], latencyMs = 5, config?: Partial<RouteConfig>) {
    this.world = new MemWorld(latencyMs);
    const suite = nodeSuite();
    const link = { keepaliveMs: 1000, deadAfterMs: 3000 };
    for (const [i, name] of names.entries()) {
      const m = this.world.node(name, undefined, link);
      (m.node as unknown as { trace: { emit: (e: TraceEvent) => void } }).trace = { emit: (e) => this.events.push(e) };
      const secret = new Uint8Array(32).fill(i + 1);
      this.keys.set(m.identity.address, suite.x25519Public(secret));
      const r: RNode = { ...m, router: undefined as unknown as Router, convs: [], got: [] };
      r.router = new Router(m.node, this.finder(m.identity.address), secret, (conv) => {
        r.convs.push(conv);
        conv.upper = { receive: (b) => r.got.push(b), setMtu: () => {}, fail: () => {} };
      }, config);
      this.nodes.set(name, r);
    }
    for (const [a, b] of edges) {
      this.edges.push([this.n(a).identity.address, this.n(b).identity.address]);
      this.world.peer(this.n(a), this.n(b));
    }
    for (const n of this.nodes.values()) n.node.start();
  }

  n(name: string): RNode {
    return this.nodes.get(name)!;
  }

  private finder(self: string): PathFinder {
    return {
      routeKeyOf: (a) => this.keys.get(a),
      pathTo: (dest, avoid) => {
        const prev = new Map<string, string>([[self, self]]);
        const queue = [self];
        while (queue.length > 0) {
          const x = queue.shift()!;
          if (x === dest) break;
          const next = this.edges.filter((e) => e.includes(x)).map((e) => (e[0] === x ? e[1] : e[0])).sort();
          for (const y of next) {
            if (prev.has(y) || avoid?.has(edgeKey(x, y))) continue;
            prev.set(y, x);
            queue.push(y);
          }
        }
        if (!prev.has(dest)) return null;
        const path = [dest];
        while (path[0] !== self) path.unshift(prev.get(path[0]!)!);
        return path;
      },
    };
  }

  /** Drops everything between two endpoints, both ways. */
  cut(a: string, b: string): () => void {
    let on = true;
    this.world.net.taps.push((from, to) => !(on && ((from === a && to === b) || (from === b && to === a))));
    return () => { on = false; };
  }
}
