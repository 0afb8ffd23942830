// Shortest paths from self, recomputed only when the graph changed: a database change (an
// edge, a cost, a route key; not a plain refresh) or one of our own links going up or down.
import type { Lsdb } from './lsdb.ts';
import type { RecordLink } from './link-record.ts';
import { nextHops, pathFrom, shortestPaths, type ShortestPaths } from './shortest-path.ts';
import { buildGraph, type Graph } from './topology-graph.ts';

export class PathCache {
  /** Bump when our own links change; the database has its own version. */
  linkVersion = 0;
  private key = '';
  private graph: Graph | undefined;
  private paths: ShortestPaths | undefined;

  constructor(private readonly lsdb: Lsdb, private readonly selfLinks: () => RecordLink[]) {}

  private current(): { graph: Graph; paths: ShortestPaths } {
    const key = `${this.lsdb.version}:${this.linkVersion}`;
    if (key !== this.key || !this.graph || !this.paths) {
      this.graph = buildGraph(this.lsdb.self, this.lsdb.records(), this.selfLinks());
      this.paths = shortestPaths(this.graph);
      this.key = key;
    }
    return { graph: this.graph, paths: this.paths };
  }

  pathTo(dest: string, avoid?: ReadonlySet<string>): string[] | null {
    const { graph, paths } = this.current();
    return pathFrom(avoid && avoid.size ? shortestPaths(graph, avoid) : paths, dest);
  }

  nextHops(): Map<string, string> {
    return nextHops(this.current().paths);
  }

  /** Sum of the advertised RTTs along `path` (ours measured first-hand), or undefined if a hop is unknown. */
  rttAlong(path: readonly string[]): number | undefined {
    let sum = 0;
    for (let i = 0; i + 1 < path.length; i++) {
      const u = path[i]!;
      const links = u === this.lsdb.self ? this.selfLinks() : this.lsdb.get(u)?.links;
      const l = links?.find((x) => x.peer === path[i + 1]);
      if (!l) return undefined;
      sum += l.costMs;
    }
    return sum;
  }
}
