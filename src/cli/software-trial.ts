// The health check of a node software update (src/apps/self-update.ts): a trial version,
// started once by the launcher, commits itself when it has registered with its master within
// HEALTH_MS (a node without a master: when it has run for STEADY_MS). Otherwise it exits 1 and
// the launcher goes back to the previous version at the next start (systemd restarts it).
import type { Clock } from '../env/clock.ts';
import type { NodeAgent } from '../master/node-agent.ts';
import { commitTrial, HEALTH_MS } from '../apps/self-update.ts';
import type { Logger } from './logger.ts';

const POLL_MS = 500;
const STEADY_MS = 5_000;

export const watchSoftwareTrial = (d: { home: string; agent: NodeAgent; clock: Clock; log: Logger; exit(code: number): void }): void => {
  const version = process.env.SKYWIRE_SOFTWARE;
  if (process.env.SKYWIRE_SOFTWARE_TRIAL !== '1' || !version) return;
  const started = d.clock.now();
  d.log.info(`software ${version} on trial: commits once registered with the master (${HEALTH_MS / 1000} s)`);
  const check = (): void => {
    const reg = d.agent.status().registration;
    const healthy = reg ? reg.state === 'registered' : d.clock.now() - started >= STEADY_MS;
    if (healthy) {
      if (commitTrial(d.home, version)) d.log.info(`software ${version} is healthy: committed`);
      return;
    }
    if (d.clock.now() - started >= HEALTH_MS) {
      d.log.warn(`software ${version} did not register within ${HEALTH_MS / 1000} s: exiting so the previous version runs again`);
      return d.exit(1);
    }
    d.clock.setTimeout(check, POLL_MS);
  };
  d.clock.setTimeout(check, POLL_MS);
};
