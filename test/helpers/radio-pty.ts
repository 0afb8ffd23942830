// socat pseudo-terminal pairs standing in for a serial cable between two KISS ports, and real
// nodes on them. Bytes written to one end come out of the other, as on a null-modem cable.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { openRadioCarrier, type KissSerialCarrier } from '../../src/env/kiss-serial-carrier.ts';
import { realClock } from '../../src/env/real-clock.ts';
import { realRandom } from '../../src/env/real-random.ts';
import { nullTrace } from '../../src/env/trace.ts';
import { identityFromSeed, type Identity } from '../../src/identity/identity.ts';
import { nodeSuite } from '../../src/identity/node-suite.ts';
import { SkyNode } from '../../src/node/node.ts';
import type { RadioConfigInput } from '../../src/radio/radio-config.ts';

export const have = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

/** Why a real-parts test cannot run here, or undefined. In CI a missing tool is a failure. */
export const missing = (...bins: string[]): string | undefined => {
  const gone = bins.filter((b) => !have(b));
  if (gone.length === 0) return undefined;
  if (process.env.CI === 'true') throw new Error(`${gone.join(', ')} not installed (CI must install them: .ci/run)`);
  return `${gone.join(', ')} not installed`;
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const waitFor = async (fn: () => boolean, ms: number, what: string): Promise<void> => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
};

export interface Socat { proc: ChildProcess; stop(): Promise<void> }

export const startSocat = async (a: string, b: string): Promise<Socat> => {
  const proc = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  await waitFor(() => existsSync(a) && existsSync(b), 5000, `socat links ${a} ${b}`);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
};

export interface RadioNode { node: SkyNode; carrier: KissSerialCarrier; identity: Identity }

export const radioNode = async (radio: RadioConfigInput, idEveryMs?: number): Promise<RadioNode> => {
  const identity = identityFromSeed(nodeSuite(), randomBytes(32));
  const carrier = await openRadioCarrier(radio, { address: identity.address, ...(idEveryMs === undefined ? {} : { idEveryMs }) });
  const node = new SkyNode({ clock: realClock(), random: realRandom(), trace: nullTrace, suite: nodeSuite(), identity });
  node.attach(carrier);
  return { node, carrier, identity };
};

export const waitUp = (n: RadioNode, peer: string, ms: number): Promise<unknown> =>
  firstValueFrom(n.node.links.get(peer)!.state$.pipe(filter((s) => s === 'up'), timeout(ms)));

export const nextPayload = (n: RadioNode, ms: number): Promise<string> =>
  firstValueFrom(n.node.payload$.pipe(timeout(ms))).then((p) => new TextDecoder().decode(p.bytes));

export const closeAll = async (...ns: RadioNode[]): Promise<void> => {
  for (const n of ns) {
    n.node.stop();
    await n.carrier.close();
  }
};
