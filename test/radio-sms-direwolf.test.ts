import test from 'ava';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startChain } from './helpers/direwolf-chain.ts';
import { missing } from './helpers/radio-pty.ts';
import { BIN, sky, skyDaemon, tmpHome, until, type Daemon } from './helpers/cli.ts';

// Two real `skywire node` processes whose only link is a radio: config.json names a direwolf
// KISS pty, amateur mode with callsigns. SMS both ways over AFSK 1200 through the audio chain.
const skip = missing('direwolf');
const run = skip ? test.skip : test.serial;
if (skip) test('direwolf sms', (t) => { t.log(`skipped: ${skip}`); t.pass(); });

const pexec = promisify(execFile);
// Async, so the audio pumps in this process keep the modems fed while the CLI runs.
const skyA = async (...args: string[]): Promise<unknown> => {
  const r = await pexec(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(r.stdout) as unknown;
};

interface Inbox { id: string; text: string }
interface Outbox { sent: { id: string; state: string }[] }

run('an SMS crosses two direwolf modems at 1200 bit/s in each direction, with its receipt back', async (t) => {
  t.timeout(170_000);
  const chain = await startChain(1200);
  const daemons: Daemon[] = [];
  t.teardown(async () => { for (const d of daemons) d.proc.kill('SIGKILL'); await chain.stop(); });
  const homes = [tmpHome('rsa'), tmpHome('rsb')];
  const addr = homes.map((h) => {
    sky('init', '--home', h);
    return (JSON.parse(sky('id', '--home', h, '--json').stdout) as { address: string }).address;
  });
  const calls = ['N0CALL-1', 'N0CALL-2'];
  const ptys = [chain.a.pty, chain.b.pty];
  homes.forEach((h, i) => {
    const other = 1 - i;
    const radio = { device: ptys[i], bitrate: 1200, mode: 'amateur', callsign: calls[i], txDelayMs: 200, peers: [`${addr[other]}@${calls[other]}`] };
    writeFileSync(join(h, 'config.json'), JSON.stringify({ version: 1, name: `r${i}`, listen: '127.0.0.1:0', radio }));
    daemons.push(skyDaemon('node', '--home', h));
  });
  const status = async (i: number): Promise<{ links: { peer: string; state: string }[]; radio: { serial: string; readyMs: number } }> =>
    (await skyA('status', '--home', homes[i]!, '--json')) as never;
  for (const i of [0, 1]) {
    const s = await until(async () => ((await status(i)).links.some((l) => l.state === 'up') ? status(i) : undefined), 60_000, `radio link up at node ${i}`);
    t.is(s.radio.serial, 'open');
    t.log(`node ${i}: radio ready ${s.radio.readyMs} ms after start`);
  }
  for (const [from, to] of [[0, 1], [1, 0]] as const) {
    const text = `from ${calls[from]}: need water at the school, 40 people`;
    const m = (await skyA('sms', 'send', addr[to]!, text, '--home', homes[from]!, '--json')) as { id: string };
    const got = await until(async () => {
      const inbox = (await skyA('sms', 'inbox', '--home', homes[to]!, '--json')) as Inbox[];
      return inbox.find((x) => x.id === m.id);
    }, 60_000, `message ${from}->${to}`);
    t.is(got.text, text);
    await until(async () => {
      const out = (await skyA('sms', 'outbox', '--home', homes[from]!, '--json')) as Outbox;
      return out.sent.find((x) => x.id === m.id && x.state === 'delivered');
    }, 60_000, `receipt ${to}->${from}`);
  }
  const inboxes = await Promise.all([0, 1].map(async (i) => (await skyA('sms', 'inbox', '--home', homes[i]!, '--json')) as Inbox[]));
  t.deepEqual(inboxes.map((x) => x.length), [1, 1], 'each message landed exactly once');
});
