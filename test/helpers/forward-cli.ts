// Runs `skywire forward` as a child process and waits until it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import { TERM_ARGV } from './fleet.ts';
import { until } from './cli.ts';
import { freeTcpPort } from './free-port.ts';

export interface ForwardProc { proc: ChildProcess; lport: number; output: () => string }

export const startForward = async (node: string, host: string, port: number, ctl: string): Promise<ForwardProc> => {
  const lport = await freeTcpPort();
  const proc = spawn(process.execPath, [...TERM_ARGV, 'forward', node, `${lport}:${host}:${port}`, '--home', ctl], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  await until(() => {
    if (proc.exitCode !== null) throw new Error(`forward exited: ${out}`);
    return out.includes('forwarding') ? true : undefined;
  }, 10_000, 'forward listening');
  return { proc, lport, output: () => out };
};
