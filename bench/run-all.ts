// Runs every benchmark in its own process (so one's heap does not skew another's memory figure).
import { spawnSync } from 'node:child_process';

const all = ['handshake', 'seal-open', 'forwarding', 'throughput', 'route-setup', 'sim', 'boot', 'master-scale', 'dashboard', 'radio', 'radio-cold', 'radio-sms-size', 'tui', 'socks', 'files', 'fleet-sim', 'flood', 'image', 'swarm'];
// `npm run bench -- NAME...` runs only those.
const asked = process.argv.slice(2);
const unknown = asked.filter((b) => !all.includes(b));
if (unknown.length) {
  process.stderr.write(`skywire: error [BAD_BENCH]: no benchmark ${unknown.join(', ')}; pick from ${all.join(', ')}\n`);
  process.exit(2);
}
for (const b of asked.length ? asked : all) {
  // fleet-sim and sim hold thousands of simulated nodes: more than Node's default heap.
  const heap = b === 'fleet-sim' ? ['--max-old-space-size=8192'] : b === 'sim' ? ['--max-old-space-size=12288'] : [];
  const r = spawnSync(process.execPath, ['--expose-gc', ...heap, '--import', 'tsx', `bench/${b}.ts`], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
