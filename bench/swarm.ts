// Nightly-style swarm: 200 seeds of two scenarios through the installed CLI (`skywire sim swarm`,
// one worker per core), seeds per minute and every failing seed with its shrunk replay file.
// BENCH_SWARM_SEEDS changes the count. Run: node --import tsx bench/swarm.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from './machine.ts';

const seeds = process.env.BENCH_SWARM_SEEDS ?? '200';
const out = mkdtempSync(join(tmpdir(), 'bench-swarm-'));
const results: Record<string, unknown>[] = [];
try {
  for (const file of ['scenarios/swarm-mesh-12.yaml', 'scenarios/sms-relay-crash.yaml']) {
    const r = spawnSync(process.execPath, ['bin/skywire.js', 'sim', 'swarm', file, '--seeds', seeds, '--json', '--out', join(out, 'f'), '--max-shrink-runs', '60'], { encoding: 'utf8', timeout: 3_600_000 });
    const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
    if (!line) throw new Error(`sim swarm ${file} printed no summary (exit ${r.status}): ${r.stderr}`);
    const s = JSON.parse(line) as { failures: { seed: number; key: string; why: string; shrunk?: { nodes: number; faults: number; file: string } }[] } & Record<string, unknown>;
    results.push({
      scenario: file, seeds: s.seeds, jobs: s.jobs, wallSeconds: Math.round((s.wallMs as number) / 100) / 10, seedsPerMinute: s.seedsPerMinute, events: s.events, failed: s.failed,
      failures: s.failures.map((f) => ({ seed: f.seed, key: f.key, why: f.why, shrunkTo: f.shrunk ? `${f.shrunk.nodes} nodes, ${f.shrunk.faults} faults` : null })),
    });
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
print('swarm', results);
