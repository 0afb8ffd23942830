// The TUI's fallback when stdout is not a terminal (a pipe, journald, CI): the same panels as
// plain status lines every few seconds, between the node's ordinary log lines.
import { ticker } from '../../src/env/ticker.ts';
import type { RunningNode } from '../../src/cli/run-node.ts';
import { nodeView } from './node-view.ts';
import { plainLines } from './node-panels.ts';

export const startPlainStatus = (nodes: RunningNode[], wallMs: () => number, everyMs = 5000, out: (s: string) => void = (s) => process.stdout.write(s)): { stop(): void } => {
  const print = (): void => {
    for (const n of nodes) out(plainLines(nodeView(n, new Map()), wallMs()).map((l) => `  ${l}\n`).join(''));
  };
  const timer = ticker(everyMs, print);
  print();
  return { stop: () => timer.stop() };
};
