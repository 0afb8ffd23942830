import test from 'ava';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startChain, type Chain } from './helpers/direwolf-chain.ts';
import { missing } from './helpers/radio-pty.ts';
import { BIN, sky, skyDaemon, tmpHome, until, type Daemon } from './helpers/cli.ts';

// Issue 13's cold mesh on real modems: three direwolf modem pairs wired back to back (six
// modems), four `skywire node` processes started together in a chain n0 ~ n1 ~ n2 ~ n3 (each
// relay with two TNCs, one per channel), amateur mode at 1200 bit/s. One SMS is sent from n0 to
// n3 the moment n0 answers: it must land once, and its receipt come back. The times are logged
// (bench/radio-cold reports them); the test asserts only what happened, not how fast.
const skip = missing('direwolf');
const run = skip ? test.skip : test.serial;
if (skip) test('direwolf sms chain', (t) => { t.log(`skipped: ${skip}`); t.pass(); });

const pexec = promisify(execFile);
const skyA = async (...args: string[]): Promise<unknown> => {
  const r = await pexec(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(r.stdout) as unknown;
};

interface Inbox { id: string; text: string }
interface Outbox { sent: { id: string; state: string }[] }

run('three radio hops on six real modems, cold: the first SMS lands once and its receipt comes back', async (t) => {
  t.timeout(240_000);
  const chains: Chain[] = [];
  let ok = false;
  const daemons: Daemon[] = [];
  const homes = [0, 1, 2, 3].map((i) => tmpHome(`rchain${i}`));
  t.teardown(async () => {
    if (!ok) daemons.forEach((d, i) => t.log(`n${i}: ${d.output().slice(-1500)}`));
    for (const d of daemons) d.proc.kill('SIGKILL');
    for (const c of chains) await c.stop();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });
  for (let i = 0; i < 3; i++) chains.push(await startChain(1200));
  const addr = homes.map((h) => {
    sky('init', '--home', h);
    return (JSON.parse(sky('id', '--home', h, '--json').stdout) as { address: string }).address;
  });
  const call = (i: number): string => `N0CALL-${i + 1}`;
  // Node i's radio on a channel: its own callsign, the one neighbour on that channel.
  const radio = (device: string, self: number, peer: number) => ({ device, bitrate: 1200, mode: 'amateur', callsign: call(self), txDelayMs: 200, peers: [`${addr[peer]}@${call(peer)}`] });
  homes.forEach((h, i) => {
    const radios = [];
    if (i > 0) radios.push(radio(chains[i - 1]!.b.pty, i, i - 1));
    if (i < 3) radios.push(radio(chains[i]!.a.pty, i, i + 1));
    writeFileSync(join(h, 'config.json'), JSON.stringify({ version: 1, name: `r${i}`, listen: '127.0.0.1:0', radios }));
  });
  const t0 = Date.now();
  for (const h of homes) daemons.push(skyDaemon('node', '--home', h));
  const text = 'Flood at the bridge on Mill Road, water over the deck, two cars stuck. Need boats and a medic at the east end. Road closed both ways. Send help now!!! -N0CALL-1';
  t.is(text.length, 160);
  const m = await until(async () => (await skyA('sms', 'send', addr[3]!, text, '--home', homes[0]!, '--json').catch(() => undefined)) as { id: string } | undefined, 30_000, 'n0 takes the message');
  const sentAt = Date.now() - t0;
  const got = await until(async () => ((await skyA('sms', 'inbox', '--home', homes[3]!, '--json')) as Inbox[]).find((x) => x.id === m.id), 150_000, 'the message at n3');
  const landedAt = Date.now() - t0;
  t.is(got.text, text);
  await until(async () => ((await skyA('sms', 'outbox', '--home', homes[0]!, '--json')) as Outbox).sent.find((x) => x.id === m.id && x.state === 'delivered'), 150_000, 'the receipt at n0');
  const receiptAt = Date.now() - t0;
  t.log(`from process start: sent ${sentAt} ms, in n3's inbox ${landedAt} ms, receipt at n0 ${receiptAt} ms`);
  const inbox = (await skyA('sms', 'inbox', '--home', homes[3]!, '--json')) as Inbox[];
  t.is(inbox.filter((x) => x.id === m.id).length, 1, 'exactly once');
  ok = true;
});
