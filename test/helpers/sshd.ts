// A throwaway OpenSSH server for forward tests: temp host key, temp client key in its
// authorized_keys, listening on loopback only. Needs root (sshd drops privileges per session).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpHome, until } from './cli.ts';
import { connect } from 'node:net';
import { freeTcpPort } from './free-port.ts';

export const SSHD = '/usr/sbin/sshd';

/** Why a real sshd cannot run here, or undefined when it can. */
export const sshdUnavailable = (): string | undefined => {
  if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server)`;
  if (!existsSync('/usr/bin/ssh') || !existsSync('/usr/bin/ssh-keygen')) return 'ssh or ssh-keygen is missing (apt-get install openssh-client)';
  if (process.getuid?.() !== 0) return 'sshd needs root';
  return undefined;
};

export interface Sshd { port: number; clientKey: string; proc: ChildProcess; output: () => string; stop(): void }

const keygen = (path: string): void => {
  const r = spawnSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
};

const listening = (port: number): Promise<true | undefined> => new Promise((resolve) => {
  const s = connect({ port, host: '127.0.0.1' }, () => { s.destroy(); resolve(true); });
  s.on('error', () => resolve(undefined));
});

/** `wrap` runs sshd inside something else, e.g. ['ip', 'netns', 'exec', NS]; readiness then comes from its log. */
/** `listen`: the address to listen on (loopback unless given: inside a namespace, its own). */
export const startSshd = async (wrap: string[] = [], listen = '127.0.0.1'): Promise<Sshd> => {
  const dir = tmpHome('sshd');
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  copyFileSync(join(dir, 'client_key.pub'), join(dir, 'authorized_keys'));
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation directory
  writeFileSync(join(dir, 'sshd_config'), [
    `ListenAddress ${listen}`, `HostKey ${join(dir, 'host_key')}`, `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'UsePAM no', 'StrictModes no', `PidFile ${join(dir, 'sshd.pid')}`, '',
  ].join('\n'));
  const port = await freeTcpPort();
  const argv = [SSHD, '-D', '-e', '-p', String(port), '-f', join(dir, 'sshd_config')];
  const proc = spawn([...wrap, ...argv][0]!, [...wrap, ...argv].slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  await until(async () => {
    if (proc.exitCode !== null) throw new Error(`sshd exited: ${out}`);
    return wrap.length ? (out.includes('Server listening') ? true : undefined) : listening(port);
  }, 10_000, `sshd on ${port}: ${out}`);
  return { port, clientKey: join(dir, 'client_key'), proc, output: () => out, stop: () => void proc.kill() };
};
