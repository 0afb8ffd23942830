// Runs every benchmark in its own process (so one's heap does not skew another's memory figure).
import { spawnSync } from 'node:child_process';

for (const b of ['handshake', 'seal-open', 'forwarding', 'throughput', 'route-setup', 'sim', 'boot', 'master-scale', 'radio', 'radio-sms-size', 'tui', 'socks', 'files', 'fleet-sim', 'flood']) {
  // fleet-sim holds 3,003 simulated nodes: more than Node's default heap.
  const heap = b === 'fleet-sim' ? ['--max-old-space-size=8192'] : [];
  const r = spawnSync(process.execPath, ['--expose-gc', ...heap, '--import', 'tsx', `bench/${b}.ts`], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
