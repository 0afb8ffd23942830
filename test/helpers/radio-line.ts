// A line of real `skywire node` processes joined only by radio: hop i is its own pair of
// direwolf modems wired back to back (test/helpers/direwolf-chain.ts), each relay with two TNCs,
// amateur mode with a callsign per node. All nodes start together; `firstSms` sends one message
// from the first to the last the moment the first answers, and times it from process start.
// Used by test/radio-sms-chain.test.ts and bench/radio-cold.ts.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startChain, type Chain } from './direwolf-chain.ts';
import { BIN, sky, skyDaemon, tmpHome, until, type Daemon } from './cli.ts';

const pexec = promisify(execFile);
const skyA = async (...args: string[]): Promise<unknown> => {
  const r = await pexec(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(r.stdout) as unknown;
};

export interface RadioLine { homes: string[]; addr: string[]; daemons: Daemon[]; startedAt: number; stop(): Promise<void> }
export interface FirstSms { id: string; sentMs: number; inboxMs: number; receiptMs: number; copies: number }

export const startRadioLine = async (hops: number, bitrate = 1200): Promise<RadioLine> => {
  const chains: Chain[] = [];
  const daemons: Daemon[] = [];
  const homes = Array.from({ length: hops + 1 }, (_, i) => tmpHome(`rline${i}`));
  const stop = async (): Promise<void> => {
    for (const d of daemons) d.proc.kill('SIGKILL');
    for (const c of chains) await c.stop();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < hops; i++) chains.push(await startChain(bitrate));
    const addr = homes.map((h) => {
      sky('init', '--home', h);
      return (JSON.parse(sky('id', '--home', h, '--json').stdout) as { address: string }).address;
    });
    const call = (i: number): string => `N0CALL-${i + 1}`;
    // Node i's radio on one channel: its own callsign, the one neighbour on that channel.
    const radio = (device: string, self: number, peer: number) => ({ device, bitrate, mode: 'amateur', callsign: call(self), txDelayMs: 200, peers: [`${addr[peer]}@${call(peer)}`] });
    homes.forEach((h, i) => {
      const radios = [];
      if (i > 0) radios.push(radio(chains[i - 1]!.b.pty, i, i - 1));
      if (i < hops) radios.push(radio(chains[i]!.a.pty, i, i + 1));
      writeFileSync(join(h, 'config.json'), JSON.stringify({ version: 1, name: `r${i}`, listen: '127.0.0.1:0', radios }));
    });
    const startedAt = Date.now();
    for (const h of homes) daemons.push(skyDaemon('node', '--home', h));
    return { homes, addr, daemons, startedAt, stop };
  } catch (e) {
    await stop();
    throw e;
  }
};

interface Inbox { id: string; text: string }
interface Outbox { sent: { id: string; state: string }[] }

export const firstSms = async (l: RadioLine, text: string, ms = 150_000): Promise<FirstSms> => {
  const last = l.homes.length - 1;
  const m = await until(async () => (await skyA('sms', 'send', l.addr[last]!, text, '--home', l.homes[0]!, '--json').catch(() => undefined)) as { id: string } | undefined, 30_000, 'the first node takes the message');
  const sentMs = Date.now() - l.startedAt;
  const got = await until(async () => ((await skyA('sms', 'inbox', '--home', l.homes[last]!, '--json')) as Inbox[]).find((x) => x.id === m.id), ms, 'the message at the last node');
  const inboxMs = Date.now() - l.startedAt;
  if (got.text !== text) throw new Error(`the text arrived changed: ${got.text}`);
  await until(async () => ((await skyA('sms', 'outbox', '--home', l.homes[0]!, '--json')) as Outbox).sent.find((x) => x.id === m.id && x.state === 'delivered'), ms, 'the receipt at the first node');
  const receiptMs = Date.now() - l.startedAt;
  const copies = ((await skyA('sms', 'inbox', '--home', l.homes[last]!, '--json')) as Inbox[]).filter((x) => x.id === m.id).length;
  return { id: m.id, sentMs, inboxMs, receiptMs, copies };
};

/** 160 characters, as the table measures. */
export const EMERGENCY_TEXT = 'Flood at the bridge on Mill Road, water over the deck, two cars stuck. Need boats and a medic at the east end. Road closed both ways. Send help now!!! -N0CALL-1';
